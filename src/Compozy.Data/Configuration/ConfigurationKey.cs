namespace Compozy.Data.Configuration;

/// <summary>
/// One configuration setting: where it lives in <c>compozy.yaml</c>, the environment variable and
/// flag that override it, its type, default and meaning. The catalog of these records drives the
/// environment mapping, the CLI flags, validation messages and the reference docs, so the four
/// cannot drift apart.
/// </summary>
public sealed record ConfigurationKey
{
    /// <summary>Dotted path in <c>compozy.yaml</c>, for example <c>database.port</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Environment variable that overrides the file, for example <c>DB_PORT</c>.</summary>
    public required string EnvironmentVariable { get; init; }

    /// <summary>Command-line flag that overrides everything, for example <c>--db-port</c>; optional.</summary>
    public string? Flag { get; init; }

    /// <summary>Value type; it parses raw text and says what is allowed.</summary>
    public required ConfigurationValueType Type { get; init; }

    /// <summary>Value used when no source sets the key, as it would be written in YAML.</summary>
    public string? Default { get; init; }

    /// <summary>
    /// Other names accepted for this key: a sibling name (Compozy's <c>dbname</c> for
    /// <c>database.name</c>) or, when it contains a dot, a full path (<c>database.busy_timeout</c>
    /// for <c>database.sqlite.busy_timeout</c>).
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// Other environment variables accepted for this key; the n-th one sets the n-th alias, so a
    /// conflict between the two variables is reported like one between the two YAML names.
    /// </summary>
    public IReadOnlyList<string> EnvironmentAliases { get; init; } = [];

    /// <summary>Whether the value is a secret: never echoed in errors or logs.</summary>
    public bool IsSecret { get; init; }

    /// <summary>
    /// Whether a running host applies a new value from an edited configuration file
    /// (<see cref="ConfigurationReload.Live"/>) or refuses the file until a restart (the default).
    /// Only a key whose every consumer reads it again while the host runs may be live.
    /// </summary>
    public ConfigurationReload Reload { get; init; } = ConfigurationReload.Restart;

    /// <summary>One-line meaning, used in docs and <c>--help</c>.</summary>
    public required string Description { get; init; }

    /// <summary>The key in <see cref="Microsoft.Extensions.Configuration.IConfiguration"/> form (colon-separated).</summary>
    public string ConfigurationPath => Path.Replace('.', ':');

    /// <summary>Every configuration path this key may appear under, canonical first.</summary>
    public IEnumerable<string> AllConfigurationPaths => [ConfigurationPath, .. AliasConfigurationPaths];

    /// <summary>The configuration paths of <see cref="Aliases"/>, in order.</summary>
    public IEnumerable<string> AliasConfigurationPaths
    {
        get
        {
            var parent = ConfigurationPath[..(ConfigurationPath.LastIndexOf(':') + 1)];
            return Aliases.Select(alias => alias.Contains('.', StringComparison.Ordinal) ? alias.Replace('.', ':') : parent + alias);
        }
    }
}
