using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Readiness of a SQLite file database: unready once its file is no longer the one the writer
/// opened. Each probe checks the path, so a file deleted while no one writes is noticed at the
/// next <c>/readyz</c>.
/// </summary>
internal sealed class SqliteDatabaseFileHealthCheck(SqliteDatabaseFileGuard guard) : IHealthCheck
{
    /// <summary>The check's registered name.</summary>
    public const string Name = "sqlite_file";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(guard.Verify(includeWal: true)
            ? HealthCheckResult.Healthy(guard.IsWatching ? "the database path names the file the writer opened" : "the writer has not opened the database yet")
            : HealthCheckResult.Unhealthy(guard.LostReason));
}
