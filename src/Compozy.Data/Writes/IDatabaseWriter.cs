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
/// A transient failure (connection lost, serialization failure, deadlock) re-runs the whole
/// delegate on a fresh context, so the delegate must build its changes from scratch each time
/// and must not have side effects outside the database.</para>
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
