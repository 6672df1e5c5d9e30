namespace Compozy.Data.Configuration;

/// <summary>The keys of the audit log (<c>database.audit.*</c>); part of <see cref="CoreConfigurationKeys.All"/>.</summary>
public static class AuditConfigurationKeys
{
    /// <summary><c>database.audit.fallback_path</c>.</summary>
    public static ConfigurationKey FallbackPath { get; } = new()
    {
        Path = "database.audit.fallback_path",
        EnvironmentVariable = "DB_AUDIT_FALLBACK_PATH",
        Type = ConfigurationValueType.Text(),
        Default = AuditOptions.DefaultFallbackPath,
        Description = "The JSON Lines file (created 0600, fsynced after each line) that keeps audit entries the database could not take; they are replayed into audit_events, each once, when it answers again. A relative path is relative to the working directory.",
    };

    /// <summary><c>database.audit.retry_attempts</c>.</summary>
    public static ConfigurationKey RetryAttempts { get; } = new()
    {
        Path = "database.audit.retry_attempts",
        EnvironmentVariable = "DB_AUDIT_RETRY_ATTEMPTS",
        Type = ConfigurationValueType.WholeNumber(1, 10),
        Default = "3",
        Description = "Attempts to write an audit entry into the database before it goes to the fallback file.",
    };

    /// <summary><c>database.audit.retry_delay</c>.</summary>
    public static ConfigurationKey RetryDelay { get; } = new()
    {
        Path = "database.audit.retry_delay",
        EnvironmentVariable = "DB_AUDIT_RETRY_DELAY",
        Type = ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)),
        Default = "200ms",
        Description = "Wait before the second attempt to write an audit entry; it doubles before each further attempt.",
    };

    /// <summary><c>database.audit.replay_interval</c>.</summary>
    public static ConfigurationKey ReplayInterval { get; } = new()
    {
        Path = "database.audit.replay_interval",
        EnvironmentVariable = "DB_AUDIT_REPLAY_INTERVAL",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        Default = "30s",
        Description = "How often compozy start replays the fallback file into audit_events while it holds entries.",
    };

    /// <summary>Every audit key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } = [FallbackPath, RetryAttempts, RetryDelay, ReplayInterval];
}
