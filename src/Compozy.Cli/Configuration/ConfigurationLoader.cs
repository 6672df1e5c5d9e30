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

        var keys = CompozyConfigurationSources.DataKeys.Concat(readServer ? ServerConfigurationKeys.All : []).ToList();
        var flags = flagSets.SelectMany(set => set.GetValues(parseResult)).ToList();
        var configuration = CompozyConfigurationSources.Build(configFile, keys, flags, console.GetEnvironmentVariable);

        var reader = new ConfigurationReader(configuration);
        var server = readServer ? ServerOptions.Read(reader) : null;
        if (readServer)
        {
            reader.ReportUnknownKeys("server", ServerConfigurationKeys.All.Select(key => key.ConfigurationPath));
        }

        var (options, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All, BuiltInVectorStoreProviders.All);
        if (reader.Problems.Count > 0 || provider is null)
        {
            Print(console, reader.Problems);
            return null;
        }

        return new LoadedConfiguration(options, provider, reader.Warnings, server);
    }

    private static void Print(CliConsole console, IReadOnlyList<ConfigurationProblem> problems)
    {
        console.Error.WriteLine(new CompozyConfigurationException(problems).Message.Insert(0, "compozy: "));
    }
}
