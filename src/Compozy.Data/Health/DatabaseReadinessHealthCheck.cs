using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Compozy.Data.Startup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Compozy.Data.Health;

/// <summary>
/// Ready when start-up finished, no <see cref="DatabaseFault"/> was reported,
/// <see cref="DatabaseCircuit"/> is closed, the database answers, and its schema has no pending migrations. Reports the reason when it is not, without
/// connection details.
/// </summary>
public sealed class DatabaseReadinessHealthCheck(
    IDbContextFactory<CompozyDbContext> contexts,
    MigrationRunner migrations,
    DatabaseInitializer initializer,
    DatabaseFault fault,
    DatabaseCircuit circuit) : IHealthCheck
{
    /// <summary>The check's registered name.</summary>
    public const string Name = "database";

    /// <summary>The tag readiness endpoints select.</summary>
    public const string ReadyTag = "ready";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!initializer.IsInitialized)
        {
            return HealthCheckResult.Unhealthy("database initialization has not finished");
        }

        if (fault.Reason is { } reason)
        {
            return HealthCheckResult.Unhealthy(reason);
        }

        // The probe is already trying the database; a readiness poll must not wait on it too.
        if (circuit.Describe() is { } outage)
        {
            return HealthCheckResult.Unhealthy(outage);
        }

        try
        {
            var dbContext = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (dbContext.ConfigureAwait(false))
            {
                if (!await dbContext.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    return HealthCheckResult.Unhealthy(fault.Reason ?? "database is not reachable");
                }
            }

            var status = await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            return status.IsCurrent
                ? HealthCheckResult.Healthy($"schema at {status.Applied.Count}/{status.Migrations.Count} migrations")
                : HealthCheckResult.Unhealthy($"{status.Pending.Count} pending migrations");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The check's own reads may be what noticed the fault (a provider checks its file on each).
            return HealthCheckResult.Unhealthy(fault.Reason ?? $"database check failed: {exception.GetType().Name}");
        }
    }
}
