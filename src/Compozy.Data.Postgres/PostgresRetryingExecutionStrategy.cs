using Compozy.Data.Postgres.Errors;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Compozy.Data.Postgres;

/// <summary>
/// Npgsql's retrying strategy, which also retries while a multi-host connection string finds no
/// usable host: during a failover that is the time between the primary going away and the
/// standby's promotion, and writes must wait it out like any dropped connection.
/// </summary>
internal sealed class PostgresRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies, int maxRetryCount, TimeSpan maxRetryDelay)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount, maxRetryDelay, errorCodesToAdd: null)
{
    /// <summary>
    /// True, except while this strategy runs its own operation: there a failure re-runs the whole
    /// operation, so EF need not copy each query's rows into memory first (the same rule as
    /// SQLite's strategy; docs/database/overview.md, "Reads").
    /// </summary>
    public override bool RetriesOnFailure => Current != this && base.RetriesOnFailure;

    /// <inheritdoc />
    protected override bool ShouldRetryOn(Exception? exception) =>
        base.ShouldRetryOn(exception) || (exception is not null && PostgresHostUnavailability.IsNoUsableHost(exception));
}
