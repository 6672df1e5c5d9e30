using Compozy.Data.Operations;

namespace Compozy.Data.Configuration;

/// <summary>The provider-neutral keys under <c>database.*</c>.</summary>
public static class CoreConfigurationKeys
{
    /// <summary><c>database.driver</c>.</summary>
    public static ConfigurationKey Driver { get; } = new()
    {
        Path = "database.driver",
        EnvironmentVariable = "DB_DRIVER",
        Flag = "--db-driver",
        Type = ConfigurationValueType.Text(),
        Default = "sqlite",
        Description = "Database driver: sqlite (embedded, the default) or postgres.",
    };

    /// <summary><c>database.auto_migrate</c>.</summary>
    public static ConfigurationKey AutoMigrate { get; } = new()
    {
        Path = "database.auto_migrate",
        EnvironmentVariable = "DB_AUTO_MIGRATE",
        Type = ConfigurationValueType.Boolean,
        Default = "true",
        Description = "Apply pending migrations when `compozy start` starts; when false, start refuses to run on a database with pending migrations.",
    };

    /// <summary><c>database.migration_timeout</c>.</summary>
    public static ConfigurationKey MigrationTimeout { get; } = new()
    {
        Path = "database.migration_timeout",
        EnvironmentVariable = "DB_MIGRATION_TIMEOUT",
        Flag = "--db-migration-timeout",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
        Default = "2m",
        Description = "Longest wait for the migration lock, and longest run of one migration statement.",
    };

    /// <summary><c>database.slow_operation_threshold</c>.</summary>
    public static ConfigurationKey SlowOperationThreshold { get; } = new()
    {
        Path = "database.slow_operation_threshold",
        EnvironmentVariable = "DB_SLOW_OPERATION_THRESHOLD",
        Type = ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
        Default = "1s",
        Reload = ConfigurationReload.Live,
        Description = "A store operation that takes at least this long is logged as slow (event 4002), with its name, duration, outcome and the shape of its parameters, never their values.",
    };

    /// <summary><c>database.circuit.failure_threshold</c>.</summary>
    public static ConfigurationKey CircuitFailureThreshold { get; } = new()
    {
        Path = "database.circuit.failure_threshold",
        EnvironmentVariable = "DB_CIRCUIT_FAILURE_THRESHOLD",
        Type = ConfigurationValueType.WholeNumber(1, 1000),
        Default = "3",
        Description = "Consecutive store operations that fail to reach the database (connection refused or broken, connect timeout; on SQLite the file cannot be opened or read) after which the circuit opens: requests that need the database are answered 503 at once, without waiting on the database, until a background probe reaches it again.",
    };

    /// <summary><c>database.circuit.probe_interval</c>.</summary>
    public static ConfigurationKey CircuitProbeInterval { get; } = new()
    {
        Path = "database.circuit.probe_interval",
        EnvironmentVariable = "DB_CIRCUIT_PROBE_INTERVAL",
        Type = ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        Default = "2s",
        Description = "While the circuit is open, how often a background probe tries to connect to the database; the first success closes the circuit. Also the Retry-After (rounded up to whole seconds) of the 503 answers while it is open.",
    };

    /// <summary><c>database.retention.interval</c>.</summary>
    public static ConfigurationKey RetentionInterval { get; } = new()
    {
        Path = "database.retention.interval",
        EnvironmentVariable = "DB_RETENTION_INTERVAL",
        Type = ConfigurationValueType.Age(TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)),
        Reload = ConfigurationReload.LiveOnceSet,
        Description = "How often compozy start prunes finished workflow executions older than retention.older_than, as compozy db prune does. Not set (the default): no scheduled pruning.",
    };

    /// <summary><c>database.retention.older_than</c>.</summary>
    public static ConfigurationKey RetentionOlderThan { get; } = new()
    {
        Path = "database.retention.older_than",
        EnvironmentVariable = "DB_RETENTION_OLDER_THAN",
        Type = ConfigurationValueType.Age(PruneRequest.ShortestAge, PruneRequest.LongestAge),
        Reload = ConfigurationReload.LiveOnceSet,
        Description = "Age past which scheduled pruning deletes a finished workflow execution (its updated_at), with its tasks and usage rows. Required when retention.interval is set.",
    };

    /// <summary><c>database.retention.statuses</c>.</summary>
    public static ConfigurationKey RetentionStatuses { get; } = new()
    {
        Path = "database.retention.statuses",
        EnvironmentVariable = "DB_RETENTION_STATUSES",
        Type = ConfigurationValueType.ChoiceList([.. PruneRequest.TerminalStatusNames]),
        Default = string.Join(",", PruneRequest.TerminalStatusNames),
        Reload = ConfigurationReload.Live,
        Description = "Statuses of the workflow executions scheduled pruning deletes, separated by commas; only finished (terminal) statuses are allowed.",
    };

    /// <summary>Every core key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } =
        [Driver, AutoMigrate, MigrationTimeout, SlowOperationThreshold, CircuitFailureThreshold, CircuitProbeInterval, RetentionInterval, RetentionOlderThan, RetentionStatuses, .. AuditConfigurationKeys.All];
}
