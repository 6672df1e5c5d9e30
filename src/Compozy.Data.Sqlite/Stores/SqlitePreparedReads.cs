using System.Data;
using System.Data.Common;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Stores;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Stores;

/// <summary>
/// The stores' single-row reads on SQLite, on read connections kept open with their statements
/// prepared (<see cref="SqliteIdleReadConnections"/>). Each read gets what a read context's
/// connection gets from its interceptors: the lost-file check before it
/// (<see cref="SqliteDatabaseFileGuard.VerifyBeforeRead"/>), the
/// reader's PRAGMAs on a new connection, an interrupt when it is cancelled, busy errors counted.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite runs every command synchronously, so the read completes before this
/// returns; nothing is gained by going through its asynchronous methods.
/// </remarks>
internal sealed class SqlitePreparedReads(
    SqliteConnectionFactory connections,
    SqliteConnectionSetup setup,
    SqliteIdleReadConnections idle,
    SqliteDatabaseFileGuard guard,
    SqliteBusyCounter busyCounter) : IPreparedReads
{
    private readonly Lazy<string> _connectionString = new(() =>
        // Kept open by the idle set, not by Microsoft.Data.Sqlite's pool, which would finalize the statements.
        new SqliteConnectionStringBuilder(connections.ReaderConnectionString) { Pooling = false }.ToString());

    public Task<T?> ReadRowAsync<T>(string sql, string parameterName, object key, Func<DbDataReader, T> materialize, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(materialize);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T?>(cancellationToken);
        }

        SqlitePreparedConnection? connection = null;
        try
        {
            if (!guard.VerifyBeforeRead())
            {
                throw SqliteDatabaseFileGuard.LostError();
            }

            connection = idle.TryTake() ?? Open();
            var command = connection.Command(sql, parameterName);
            command.Parameters[0].Value = key;
            T? row;
            using (SqliteInterrupt.On(connection.Connection, cancellationToken))
            using (var reader = command.ExecuteReader(CommandBehavior.SingleRow))
            {
                row = reader.Read() ? materialize(reader) : null;
            }

            idle.Return(connection);
            return Task.FromResult(row);
        }
        catch (Exception exception)
        {
            // A connection that failed mid-read is not trusted with the next one.
            connection?.Dispose();
            busyCounter.Count(exception);
            return exception is SqliteException sqlite && SqliteInterrupt.WasRequestedBy(sqlite, cancellationToken)
                ? Task.FromCanceled<T?>(cancellationToken)
                : Task.FromException<T?>(exception);
        }
    }

    private SqlitePreparedConnection Open()
    {
        var generation = idle.Generation;
        var connection = new SqliteConnection(_connectionString.Value);
        try
        {
            connection.Open();
            setup.Apply(connection, SqliteConnectionRole.Reader);
            return new SqlitePreparedConnection(connection, generation);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
