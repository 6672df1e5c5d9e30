namespace Compozy.Data.Configuration;

/// <summary>Database settings common to every driver (<c>database.*</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The driver: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Driver { get; set; } = "sqlite";

    /// <summary>Whether <c>compozy start</c> applies pending migrations before serving (default true).</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>How long a migration run may wait for the migration lock and for each statement.</summary>
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A store operation at least this long is logged as slow (default 1 s).</summary>
    public TimeSpan SlowOperationThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When requests stop waiting on an unreachable database, and how it is probed (<c>database.circuit.*</c>).</summary>
    public DatabaseCircuitOptions Circuit { get; set; } = new();

    /// <summary>Scheduled pruning of finished workflow executions; off by default.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The audit log's fallback file and retries.</summary>
    public AuditOptions Audit { get; set; } = new();
}
