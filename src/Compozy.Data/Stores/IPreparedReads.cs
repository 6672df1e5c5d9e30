using System.Data.Common;

namespace Compozy.Data.Stores;

/// <summary>
/// A provider's way to run the stores' hottest reads, one row by its key, without an EF Core
/// context: the statement is prepared once and kept prepared, on a read connection that gets every
/// check and setting the provider's read contexts get. Optional: where a provider registers none,
/// the same reads run through the read contexts of <c>IDbContextFactory&lt;CompozyDbContext&gt;</c>.
/// </summary>
/// <remarks>
/// The stores pass a fixed statement text (a provider may key its prepared statements by it, so
/// their number stays small) with exactly one parameter. A failure is thrown as the database
/// driver's own exception, as a read context lets it through: the stores translate it, and run a
/// read that failed transiently (busy, connection lost, timeout) once more through a read context,
/// whose execution strategy retries it.
/// </remarks>
public interface IPreparedReads
{
    /// <summary>
    /// Runs <paramref name="sql"/> with <paramref name="parameterName"/> set to
    /// <paramref name="key"/> and returns the first row read by <paramref name="materialize"/>, or
    /// <see langword="null"/> when there is none. <paramref name="materialize"/> runs while the
    /// reader is on the row and must not keep the reader.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<T?> ReadRowAsync<T>(string sql, string parameterName, object key, Func<DbDataReader, T> materialize, CancellationToken cancellationToken)
        where T : class;
}
