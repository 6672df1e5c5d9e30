using System.Runtime.CompilerServices;
using Compozy.Data.Errors;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores;

/// <summary>Reads of one row that other writers' reads for update wait behind until this transaction ends.</summary>
internal static class RowLocks
{
    /// <summary>
    /// The row of <paramref name="table"/> whose <paramref name="keyColumn"/> is
    /// <paramref name="key"/>, locked as the dialect locks rows (PostgreSQL: <c>FOR UPDATE</c>;
    /// SQLite: its single writer already excludes the others).
    /// </summary>
    /// <exception cref="CompozyDataException">No such row (<see cref="DbErrorKind.NotFound"/>, naming <paramref name="what"/>).</exception>
    public static async Task<T> GetForUpdateAsync<T>(
        DbSet<T> rows, IStoreDialect dialect, string table, string keyColumn, string key, string what, CancellationToken cancellationToken)
        where T : class
    {
        // Table and column are the model's own names, never input; the key is a parameter. The
        // query is not composed further: a locking clause must stay on the outermost SELECT.
        var sql = FormattableStringFactory.Create($"SELECT * FROM \"{table}\" WHERE \"{keyColumn}\" = {{0}}{dialect.LockRowsClause}", key);
        var found = await rows.FromSql(sql).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return found.SingleOrDefault() ?? throw CompozyDataException.NotFound(what, key);
    }
}
