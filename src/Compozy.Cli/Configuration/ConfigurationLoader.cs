using System.CommandLine;
using Compozy.Data.Configuration;
using Compozy.Data.Hosting;

namespace Compozy.Cli.Configuration;

/// <summary>
/// Loads and validates configuration for a command from its three sources, printing every
/// problem at once. Reads files and the environment only: nothing is created or opened.
/// </summary>
internal static class ConfigurationLoader
{
    /// <summary>The loaded configuration, or <see langword="null"/> after printing problems (exit code 2).</summary>
    public static LoadedConfiguration? Load(
        ParseResult parseResult,
        CliConsole console,
        IReadOnlyList<ConfigurationFlags> flagSets,
        bool readServer)
    {
        var configFile = flagSets.Select(flags => parseResult.GetValue(flags.ConfigFile)).FirstOrDefault(value => value is not null);
        if (configFile is not null && !File.Exists(configFile))
        {
            var problem = Directory.Exists(configFile)
                ? new ConfigurationProblem("--config", $"\"{configFile}\" is a directory; allowed: a YAML file")
                : new ConfigurationProblem("--config", $"\"{configFile}\" does not exist; allowed: a YAML file, or omit --config to read ./compozy.yaml when present");
            Print(console, [problem]);
            return null;
        }

        var flags = flagSets.SelectMany(set => set.GetValues(parseResult)).ToList();
        var file = configFile ?? (File.Exists(CompozyConfigurationSources.DefaultConfigFile) ? CompozyConfigurationSources.DefaultConfigFile : null);
        var (reader, loaded) = Read(new ConfigurationInputs(file, flags, console.GetEnvironmentVariable, readServer));
        if (loaded is null)
        {
            Print(console, reader.Problems);
        }

        return loaded;
    }

    /// <summary>Every key <paramref name="inputs"/> reads: the data layer's, and <c>server.*</c> when asked.</summary>
    public static IReadOnlyList<ConfigurationKey> Keys(ConfigurationInputs inputs) =>
        [.. CompozyConfigurationSources.DataKeys, .. inputs.ReadServer ? ServerConfigurationKeys.All : []];

    /// <summary>
    /// Reads and validates the configuration as a whole, printing nothing: the loaded
    /// configuration, or <see langword="null"/> with every problem on the reader.
    /// </summary>
    public static (ConfigurationReader Reader, LoadedConfiguration? Loaded) Read(ConfigurationInputs inputs)
    {
        var configuration = CompozyConfigurationSources.Build(inputs.ConfigFile, Keys(inputs), inputs.Flags, inputs.GetEnvironmentVariable);

        var reader = new ConfigurationReader(configuration);
        var server = inputs.ReadServer ? ServerOptions.Read(reader) : null;
        if (inputs.ReadServer)
        {
            reader.ReportUnknownKeys("server", ServerConfigurationKeys.All.Select(key => key.ConfigurationPath));
        }

        var (options, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All, BuiltInVectorStoreProviders.All);
        if (reader.Problems.Count > 0 || provider is null)
        {
            return (reader, null);
        }

        return (reader, new LoadedConfiguration(options, provider, reader.Warnings, server) { Reader = reader, Inputs = inputs });
    }

    private static void Print(CliConsole console, IReadOnlyList<ConfigurationProblem> problems)
    {
        console.Error.WriteLine(new CompozyConfigurationException(problems).Message.Insert(0, "compozy: "));
    }
}
