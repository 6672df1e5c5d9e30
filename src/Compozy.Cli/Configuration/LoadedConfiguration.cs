using Compozy.Data.Configuration;
using Compozy.Data.Providers;

namespace Compozy.Cli.Configuration;

/// <summary>Configuration that passed validation.</summary>
internal sealed record LoadedConfiguration(
    CompozyDataOptions Options,
    IConfiguredDatabaseProvider Provider,
    IReadOnlyList<ConfigurationProblem> Warnings,
    ServerOptions? Server);
