using Compozy.Data.Configuration;
using Compozy.Data.Hosting;
using Compozy.Data.Providers;

namespace Compozy.Data.Tests.Configuration;

internal static class ConfigurationHarness
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public static ConfigurationReader CreateReader(
        string configFile,
        IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<CommandLineConfigurationSource.FlagValue>? flags = null,
        IReadOnlyList<ConfigurationKey>? extraKeys = null)
    {
        environment ??= NoEnvironment;
        var keys = CompozyConfigurationSources.DataKeys.Concat(extraKeys ?? []).ToList();
        var configuration = CompozyConfigurationSources.Build(configFile, keys, flags ?? [], name => environment.GetValueOrDefault(name));
        return new ConfigurationReader(configuration);
    }

    public static (ConfigurationReader Reader, CompozyDataOptions Options, IConfiguredDatabaseProvider? Provider) Read(
        string configFile,
        IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<CommandLineConfigurationSource.FlagValue>? flags = null)
    {
        var reader = CreateReader(configFile, environment, flags);
        var (options, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All, BuiltInVectorStoreProviders.All);
        return (reader, options, provider);
    }

    public static string WriteConfig(TemporaryDirectory directory, string yaml)
    {
        var path = directory.Combine("compozy.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static string Describe(IEnumerable<ConfigurationProblem> problems) =>
        string.Join(Environment.NewLine, problems.Select(problem => problem.ToString()));
}
