using System.CommandLine;
using Compozy.Data.Configuration;

namespace Compozy.Cli.Configuration;

/// <summary>
/// The configuration flags of the CLI: <c>--config</c>, and one flag per catalog key that has one.
/// Flags take raw text; values are parsed and validated with every other source, so a bad flag
/// gets the same message (naming the flag) as a bad file value.
/// </summary>
internal sealed class ConfigurationFlags
{
    private readonly List<(ConfigurationKey Key, Option<string> Option)> _keyOptions = [];

    public ConfigurationFlags(IEnumerable<ConfigurationKey> keys, bool recursive)
    {
        ConfigFile = new Option<string?>("--config")
        {
            Description = "Configuration file (default: ./compozy.yaml when it exists).",
            HelpName = "FILE",
            Recursive = recursive,
        };

        foreach (var key in keys.Where(key => key.Flag is not null))
        {
            _keyOptions.Add((key, new Option<string>(key.Flag!)
            {
                Description = $"{key.Description} [{key.Path}, env {key.EnvironmentVariable}{(key.Default is null ? string.Empty : $", default {key.Default}")}]",
                HelpName = "VALUE",
                Recursive = recursive,
            }));
        }
    }

    /// <summary>The <c>--config</c> option.</summary>
    public Option<string?> ConfigFile { get; }

    /// <summary>The per-key options.</summary>
    public IEnumerable<Option<string>> KeyOptions => _keyOptions.Select(pair => pair.Option);

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(ConfigFile);
        foreach (var (_, option) in _keyOptions)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The flags given on the command line, as configuration values.</summary>
    public IEnumerable<CommandLineConfigurationSource.FlagValue> GetValues(ParseResult parseResult)
    {
        foreach (var (key, option) in _keyOptions)
        {
            if (parseResult.GetResult(option) is { Implicit: false } && parseResult.GetValue(option) is { } value)
            {
                yield return new CommandLineConfigurationSource.FlagValue(key, key.Flag!, value);
            }
        }
    }
}
