using Compozy.Data.Persistence;

namespace Compozy.Data.Writes;

/// <summary>
/// The single way to change data. Contexts from <c>IDbContextFactory&lt;CompozyDbContext&gt;</c>
/// are for reads and refuse <c>SaveChanges</c>, so that the same code behaves the same on both
/// databases.
/// </summary>
/// <remarks>
/// <para><b>SQLite:</b> every write runs on one writer connection, one at a time, inside
/// <c>BEGIN IMMEDIATE</c>. Callers wait (asynchronously) for their turn, so concurrent writers
/// never see <c>SQLITE_BUSY</c> from each other.</para>
/// <para><b>PostgreSQL:</b> each write runs on a pooled connection in its own transaction.
/// A transient failure (connection lost, server shutting down or restarting, serialization
/// failure, deadlock) re-runs the whole delegate on a fresh context, so the delegate must build
/// its changes from scratch each time and must not have side effects outside the database. When
/// the connection fails while COMMIT is in flight, the writer first asks the server on another
/// connection what became of the transaction (<c>pg_xact_status</c>, PostgreSQL 13 or later): a
/// committed transaction is not run again, and the call returns that attempt's result; one still
/// in progress is asked about again, within the same retry budget, rather than run again. So an
/// exception leaves the outcome unknown only when it ends a write whose COMMIT was sent and the
/// server could not answer in time (unreachable, or the transaction still in progress), or when
/// the caller cancelled during COMMIT; any other exception means nothing was committed.</para>
/// <para>Returning normally means the transaction committed and is durable under the configured
/// synchronous mode.</para>
/// </remarks>
public interface IDatabaseWriter
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, saves the context's pending changes and
    /// commits. Any exception rolls everything back and is rethrown.
    /// </summary>
    Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> with a writable context outside any transaction while no other
    /// write of this process runs. For migrations and maintenance, which manage their own
    /// transactions.
    /// </summary>
    Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}
