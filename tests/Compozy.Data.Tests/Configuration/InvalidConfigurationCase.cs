namespace Compozy.Data.Tests.Configuration;

/// <summary>
/// One bad configuration and what <c>compozy</c> must say about it. In every text,
/// <c>{temp}</c> is the case's own directory, <c>{config}</c> its <c>compozy.yaml</c> and
/// <c>{db}</c> the database path <c>{temp}/sub/dir/compozy.db</c>, which must never be created.
/// </summary>
internal sealed record InvalidConfigurationCase
{
    public required string Name { get; init; }

    /// <summary>Contents of <c>{config}</c>; <see langword="null"/> leaves the file missing.</summary>
    public required string? Yaml { get; init; }

    /// <summary>The command, before <c>--config {config}</c> and <see cref="Arguments"/>.</summary>
    public IReadOnlyList<string> Command { get; init; } = ["migrate", "up"];

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Creates what the configuration must find already there (a directory, a file).</summary>
    public Action<TemporaryDirectory>? Arrange { get; init; }

    /// <summary>The key path that starts the problem line, for example <c>database.port</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The offending value, which the line must show in quotes; <see langword="null"/> when there is none to show.</summary>
    public string? Value { get; init; }

    /// <summary>What the line must say is allowed; <see langword="null"/> when nothing is.</summary>
    public string? Allowed { get; init; }

    /// <summary>The source the line must end with, <c>(from ...)</c>; <see langword="null"/> when the value has none.</summary>
    public string? Source { get; init; }

    /// <summary>Further text the line must contain, case-sensitively.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>Text that must appear nowhere in the output (a secret).</summary>
    public string? Hidden { get; init; }
}
