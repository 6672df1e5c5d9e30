using Compozy.Data.Persistence;
using Compozy.Data.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Sqlite.Stores;

/// <summary>
/// SQLite needs neither row locks nor advisory locks: every write runs on the one writer
/// connection inside <c>BEGIN IMMEDIATE</c>, which already excludes every other writer, in this
/// process and in others.
/// </summary>
internal sealed class SqliteStoreDialect : IStoreDialect
{
    public string LockRowsClause => string.Empty;

    public Task SerializeAsync(CompozyDbContext context, string scope, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<T> ReadSnapshotAsync<T>(CompozyDbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Database.CreateExecutionStrategy().ExecuteAsync(
            read,
            async (_, body, token) =>
            {
                // A deferred transaction: in WAL mode its first read fixes the snapshot and it never
                // takes the write lock. Read connections are query_only, so EF's default
                // BEGIN IMMEDIATE would fail.
                await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                try
                {
                    var transaction = ((SqliteConnection)context.Database.GetDbConnection()).BeginTransaction(deferred: true);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await context.Database.UseTransactionAsync(transaction, token).ConfigureAwait(false);
                        var result = await body(token).ConfigureAwait(false);
                        await transaction.CommitAsync(token).ConfigureAwait(false);
                        return result;
                    }
                }
                finally
                {
                    await context.Database.UseTransactionAsync(null, CancellationToken.None).ConfigureAwait(false);
                    await context.Database.CloseConnectionAsync().ConfigureAwait(false);
                }
            },
            verifySucceeded: null,
            cancellationToken);
    }
}
