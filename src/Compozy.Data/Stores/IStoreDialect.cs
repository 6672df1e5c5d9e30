using Compozy.Data.Persistence;

namespace Compozy.Data.Stores;

/// <summary>
/// What the stores need to say differently to each database. Each provider registers one; the
/// stores hold no other provider-specific code.
/// </summary>
public interface IStoreDialect
{
    /// <summary>
    /// Appended to a <c>SELECT</c> of rows the current transaction is about to change, so that a
    /// concurrent transaction doing the same waits for this one (PostgreSQL: <c>FOR UPDATE</c>).
    /// Empty where the transaction already excludes every other writer (SQLite's single writer).
    /// </summary>
    string LockRowsClause { get; }

    /// <summary>
    /// Makes the current transaction wait for, and then exclude until it ends, every other
    /// transaction that called this with the same <paramref name="scope"/>, also in other
    /// processes (PostgreSQL: a transaction-scoped advisory lock). A no-op where transactions are
    /// already serial (SQLite's single writer and <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    Task SerializeAsync(CompozyDbContext context, string scope, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="read"/>, which may issue several queries on <paramref name="context"/>
    /// (a read context), against one snapshot of the database, so that they agree with each
    /// other. A transient failure re-runs the whole read.
    /// </summary>
    Task<T> ReadSnapshotAsync<T>(CompozyDbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken);
}
