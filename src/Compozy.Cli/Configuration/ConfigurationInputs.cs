using Compozy.Data.Configuration;

namespace Compozy.Cli.Configuration;

/// <summary>
/// What a command's configuration is read from, kept so that <c>compozy start</c> can read it
/// again when the file changes: the same flags and environment still win over the file.
/// </summary>
/// <param name="ConfigFile">The configuration file read, or <see langword="null"/> when there was none.</param>
/// <param name="Flags">The configuration flags given on the command line.</param>
/// <param name="GetEnvironmentVariable">The environment lookup.</param>
/// <param name="ReadServer">Whether <c>server.*</c> is read and validated too.</param>
internal sealed record ConfigurationInputs(
    string? ConfigFile,
    IReadOnlyList<CommandLineConfigurationSource.FlagValue> Flags,
    Func<string, string?> GetEnvironmentVariable,
    bool ReadServer);
