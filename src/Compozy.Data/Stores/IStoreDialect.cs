using System.Data.Common;
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

    /// <summary>
    /// SQL expressions the stores append to the <c>RETURNING</c> list of the rows they write
    /// themselves (the upserts), for the provider's writer: PostgreSQL's takes the transaction's id
    /// from them instead of asking for it in a round trip of its own before <c>COMMIT</c>. Empty
    /// (the default) for none. The text must not change while the host runs: the statements that
    /// carry it are built once.
    /// </summary>
    string WriteReturningColumns => string.Empty;

    /// <summary>
    /// Reads the columns of <see cref="WriteReturningColumns"/>, starting at
    /// <paramref name="ordinal"/>, from the row a write statement just returned on
    /// <paramref name="context"/> (a writer context, inside the transaction of its write). Must
    /// not move the reader. Does nothing by default.
    /// </summary>
    void ReadWriteReturning(CompozyDbContext context, DbDataReader reader, int ordinal)
    {
    }
}
