using System.Data;
using System.Data.Common;
using Compozy.Data.Persistence;
using Compozy.Data.Postgres.Connections;
using Compozy.Data.Postgres.Writes;
using Compozy.Data.Stores;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Postgres.Stores;

/// <summary>PostgreSQL runs writers concurrently: reads for update take row locks, and serial sections take advisory locks.</summary>
internal sealed class PostgresStoreDialect(PostgresReturnedMarks returnedMarks) : IStoreDialect
{
    public string LockRowsClause => " FOR UPDATE";

    /// <summary>The transaction's mark, for the writer's check of a lost <c>COMMIT</c> reply (<see cref="PostgresReturnedMarks"/>).</summary>
    public string WriteReturningColumns => PostgresTransactionStatus.MarkColumns;

    public void ReadWriteReturning(CompozyDbContext context, DbDataReader reader, int ordinal) =>
        returnedMarks.Record(context, reader, ordinal);

    public async Task SerializeAsync(CompozyDbContext context, string scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Released by COMMIT or ROLLBACK, so a failed or retried transaction cannot leave it held.
        var key = PostgresAdvisoryLockKey.For(scope);
        await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken).ConfigureAwait(false);
    }

    public Task<T> ReadSnapshotAsync<T>(CompozyDbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // REPEATABLE READ takes one snapshot for the whole transaction; READ COMMITTED would take
        // one per statement. Inside the execution strategy, a transient failure re-runs it all.
        return context.Database.CreateExecutionStrategy().ExecuteAsync(
            read,
            async (_, body, token) =>
            {
                var transaction = await context.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await body(token).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return result;
                }
            },
            verifySucceeded: null,
            cancellationToken);
    }
}

