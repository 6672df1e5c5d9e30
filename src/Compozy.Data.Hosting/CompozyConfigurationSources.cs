using Compozy.Data.Configuration;
using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Hosting;

/// <summary>
/// Builds the configuration the CLI and hosts read, in increasing precedence: defaults (in the
/// key catalog), <c>compozy.yaml</c>, environment variables, flags.
/// </summary>
public static class CompozyConfigurationSources
{
    /// <summary>The file read when <c>--config</c> is not given and it exists.</summary>
    public const string DefaultConfigFile = "compozy.yaml";

    /// <summary>Every data-layer key: core and every built-in provider's.</summary>
    public static IReadOnlyList<ConfigurationKey> DataKeys { get; } =
        CoreConfigurationKeys.All
            .Concat(BuiltInDatabaseProviders.All.SelectMany(provider => provider.ConfigurationKeys))
            .DistinctBy(key => key.Path)
            .ToList();

    /// <summary>
    /// Builds the configuration. <paramref name="configFile"/> must exist when given; when it is
    /// <see langword="null"/>, <c>./compozy.yaml</c> is read if present.
    /// </summary>
    /// <param name="configFile">The <c>--config</c> value, if any.</param>
    /// <param name="keys">Every key whose environment variable is read.</param>
    /// <param name="flags">Flag values, highest precedence.</param>
    /// <param name="getEnvironmentVariable">Environment lookup; the process environment by default.</param>
    public static IConfigurationRoot Build(
        string? configFile,
        IReadOnlyList<ConfigurationKey> keys,
        IReadOnlyList<CommandLineConfigurationSource.FlagValue> flags,
        Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var builder = new ConfigurationBuilder();
        var file = configFile ?? (File.Exists(DefaultConfigFile) ? DefaultConfigFile : null);
        if (file is not null)
        {
            builder.Add(new YamlConfigurationSource { FilePath = file, GetEnvironmentVariable = getEnvironmentVariable });
        }

        builder.Add(new EnvironmentConfigurationSource { Keys = keys, GetEnvironmentVariable = getEnvironmentVariable });
        builder.Add(new CommandLineConfigurationSource { Values = flags });
        return builder.Build();
    }
}
