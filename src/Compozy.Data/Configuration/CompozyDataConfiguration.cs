using Compozy.Data.Entities;
using Compozy.Data.Knowledge;
using Compozy.Data.Operations;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Providers;

namespace Compozy.Data.Configuration;

/// <summary>
/// Turns configuration into validated options and the selected provider. This is the only place
/// that picks a provider by driver name.
/// </summary>
/// <remarks>
/// Validation is done here rather than with <c>IValidateOptions</c> because every error must
/// name the source of its value (file position, environment variable or flag) and all of them
/// must be known before any service, file or connection exists.
/// </remarks>
public static class CompozyDataConfiguration
{
    /// <summary>
    /// Reads <c>database.*</c> and <c>knowledge.*</c> through <paramref name="reader"/>. Problems and
    /// warnings are recorded on the reader; the returned provider is <see langword="null"/> when the
    /// driver is unknown.
    /// </summary>
    /// <param name="reader">The configuration, recording problems and warnings.</param>
    /// <param name="providers">The database providers <c>database.driver</c> may name.</param>
    /// <param name="vectorProviders">The vector store providers <c>knowledge.vector_dbs[].provider</c> may name.</param>
    public static (CompozyDataOptions Options, IConfiguredDatabaseProvider? Provider) Read(
        ConfigurationReader reader, IReadOnlyList<IDatabaseProvider> providers, IReadOnlyList<IVectorStoreProvider> vectorProviders)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(vectorProviders);

        var written = reader.Read<string>(CoreConfigurationKeys.Driver)?.Trim();
        var driver = written?.ToLowerInvariant();
        var selected = providers.FirstOrDefault(provider => provider.Driver == driver);
        if (written is not null && selected is null)
        {
            reader.AddProblem(
                CoreConfigurationKeys.Driver.Path,
                $"\"{written}\" is not a supported driver; allowed: {string.Join(", ", providers.Select(provider => provider.Driver).Order(StringComparer.Ordinal))}");
        }

        var options = new CompozyDataOptions
        {
            Database = new DatabaseOptions
            {
                Driver = selected?.Driver ?? driver ?? string.Empty,
                AutoMigrate = reader.Read<bool>(CoreConfigurationKeys.AutoMigrate),
                MigrationTimeout = reader.Read<TimeSpan>(CoreConfigurationKeys.MigrationTimeout),
                SlowOperationThreshold = reader.Read<TimeSpan>(CoreConfigurationKeys.SlowOperationThreshold),
                Circuit = new DatabaseCircuitOptions
                {
                    FailureThreshold = reader.Read<int>(CoreConfigurationKeys.CircuitFailureThreshold),
                    ProbeInterval = reader.Read<TimeSpan>(CoreConfigurationKeys.CircuitProbeInterval),
                },
                Retention = ReadRetention(reader),
                Audit = new AuditOptions
                {
                    FallbackPath = reader.Read<string>(AuditConfigurationKeys.FallbackPath)?.Trim() ?? AuditOptions.DefaultFallbackPath,
                    RetryAttempts = reader.Read<int>(AuditConfigurationKeys.RetryAttempts),
                    RetryDelay = reader.Read<TimeSpan>(AuditConfigurationKeys.RetryDelay),
                    ReplayInterval = reader.Read<TimeSpan>(AuditConfigurationKeys.ReplayInterval),
                },
            },
            Knowledge = VectorDatabaseOptionsReader.Read(reader, vectorProviders, selected?.Driver ?? driver ?? string.Empty),
        };

        var allKeys = CoreConfigurationKeys.All.Concat(providers.SelectMany(provider => provider.ConfigurationKeys)).ToList();
        reader.ReportUnknownKeys("database", allKeys.SelectMany(key => key.AllConfigurationPaths));

        if (selected is null)
        {
            return (options, null);
        }

        var selectedPaths = new HashSet<string>(
            CoreConfigurationKeys.All.Concat(selected.ConfigurationKeys).Select(key => key.Path), StringComparer.OrdinalIgnoreCase);
        foreach (var ignored in allKeys.Where(key => !selectedPaths.Contains(key.Path)).DistinctBy(key => key.Path))
        {
            if (reader.FindSetPath(ignored) is { } setPath)
            {
                reader.AddWarning(setPath, $"is set but the {selected.Driver} driver does not use it");
            }
        }

        return (options, selected.Configure(reader, options));
    }

    /// <summary>Reads database.retention.*: a schedule deletes data, so it needs an age written out, never a default.</summary>
    private static RetentionOptions ReadRetention(ConfigurationReader reader)
    {
        TimeSpan? interval = reader.TryRead<TimeSpan>(CoreConfigurationKeys.RetentionInterval, out var every) ? every : null;
        TimeSpan? olderThan = reader.TryRead<TimeSpan>(CoreConfigurationKeys.RetentionOlderThan, out var age) ? age : null;
        var statuses = reader.TryRead<string[]>(CoreConfigurationKeys.RetentionStatuses, out var names)
            ? names.Select(name => StoredNames.TryParse<ExecutionStatus>(name, out var status) ? status : throw new InvalidOperationException($"{name} is not a status")).ToArray()
            : PruneRequest.TerminalStatuses;
        if (interval is not null && olderThan is null && !reader.IsSet(CoreConfigurationKeys.RetentionOlderThan))
        {
            reader.AddProblem(
                CoreConfigurationKeys.RetentionInterval.Path,
                $"scheduled pruning deletes finished workflow executions, and {CoreConfigurationKeys.RetentionOlderThan.Path} is not set; allowed: set it too (for example 30d), or leave retention.interval unset");
        }

        return new RetentionOptions { Interval = interval, OlderThan = olderThan, Statuses = statuses };
    }
}
