using Compozy.Data.Configuration;
using Compozy.Data.Providers;

namespace Compozy.Cli.Configuration;

/// <summary>Configuration that passed validation.</summary>
internal sealed record LoadedConfiguration(
    CompozyDataOptions Options,
    IConfiguredDatabaseProvider Provider,
    IReadOnlyList<ConfigurationProblem> Warnings,
    ServerOptions? Server)
{
    /// <summary>The reader the configuration was validated with: what a reload compares with.</summary>
    public ConfigurationReader? Reader { get; init; }

    /// <summary>What the configuration was read from: what a reload reads again.</summary>
    public ConfigurationInputs? Inputs { get; init; }
}
