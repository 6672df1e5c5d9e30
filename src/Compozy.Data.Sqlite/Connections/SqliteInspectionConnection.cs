using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// A connection for looking at a database without changing it, even when a host is using it or
/// it is damaged: it never creates the file, never writes (<c>query_only</c>), and never
/// checkpoints, not even when it is the last connection to close. The database file stays byte
/// for byte as it was (SQLite may rebuild the <c>-shm</c> index, which is not part of the data).
/// </summary>
internal static class SqliteInspectionConnection
{
    public static SqliteConnection Open(string path, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString());
        try
        {
            connection.Open();
            SqliteConnectionSetup.DisableCheckpointOnClose(connection);
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA query_only = 1;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <c>quick_check</c> or <c>integrity_check</c> and returns its messages (just <c>ok</c>
    /// when the database is sound). A file SQLite cannot read as a database is reported as a
    /// problem, not thrown; so is a page so damaged that the check itself stops, after the
    /// problems it found before it. Cancelling <paramref name="cancellationToken"/> interrupts a
    /// check under way.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the check.</exception>
    public static IReadOnlyList<string> CheckIntegrity(string path, TimeSpan busyTimeout, bool full, int maxProblems = 20, CancellationToken cancellationToken = default)
    {
        var messages = new List<string>();
        try
        {
            using var connection = Open(path, busyTimeout);
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {(full ? "integrity_check" : "quick_check")}({maxProblems});";
            command.CommandTimeout = 0;
            using var interrupt = SqliteInterrupt.On(connection, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                messages.Add(reader.GetString(0));
            }

            return messages;
        }
        catch (SqliteException exception) when (SqliteInterrupt.WasRequestedBy(exception, cancellationToken))
        {
            throw new OperationCanceledException("the integrity check was interrupted", exception, cancellationToken);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Corrupt or SqliteErrorCodes.NotADatabase)
        {
            messages.Add(messages.Count == 0
                ? $"SQLite cannot read the file as a database ({exception.SqliteErrorCode}: {exception.Message})"
                : $"the check stopped here ({exception.SqliteErrorCode}: {exception.Message})");
            return messages;
        }
    }
}
