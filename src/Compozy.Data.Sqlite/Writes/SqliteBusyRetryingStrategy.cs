using Compozy.Data.Sqlite.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// Retries an operation that failed because another process held a lock past busy_timeout
/// (SQLITE_BUSY or SQLITE_LOCKED), with EF's exponential backoff and jitter. Nothing else is
/// retried: constraint errors, full disks and damage are not transient.
/// </summary>
internal sealed class SqliteBusyRetryingStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, MaxRetries, MaxDelay)
{
    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 5;

    /// <summary>Longest pause between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// True, except while this strategy runs its own operation. EF copies every row of a query into
    /// memory before handing out the first one whenever the running strategy retries, so that a
    /// retried query never follows rows already handed out. Inside an operation a failure re-runs
    /// the whole operation, and the stores' operations hold no row past their end, so there the
    /// rows stream (docs/database/overview.md, "Reads").
    /// </summary>
    public override bool RetriesOnFailure => Current != this && base.RetriesOnFailure;

    /// <inheritdoc />
    protected override bool ShouldRetryOn(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteErrorCodes.Busy or SqliteErrorCodes.Locked };
}
