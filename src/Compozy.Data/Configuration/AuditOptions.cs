namespace Compozy.Data.Configuration;

/// <summary>The audit log's fallback file and retries (<c>database.audit.*</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>Where the fallback file is when <c>database.audit.fallback_path</c> is not set.</summary>
    public const string DefaultFallbackPath = ".compozy/audit-fallback.jsonl";

    /// <summary>The fallback file (JSON Lines); relative to the working directory unless absolute.</summary>
    public string FallbackPath { get; init; } = DefaultFallbackPath;

    /// <summary>Attempts to write an entry into the database before it goes to the fallback file (at least 1).</summary>
    public int RetryAttempts { get; init; } = 3;

    /// <summary>Wait before the second attempt; doubled before each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often <c>compozy start</c> replays the fallback file.</summary>
    public TimeSpan ReplayInterval { get; init; } = TimeSpan.FromSeconds(30);
}
