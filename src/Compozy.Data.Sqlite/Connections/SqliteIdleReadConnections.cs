using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// The read connections this process keeps open while idle: Microsoft.Data.Sqlite's pool of the
/// read contexts' connections, and the <see cref="SqlitePreparedConnection"/>s of the prepared
/// reads. <see cref="CloseAll"/> closes both, for what needs the file without this process's
/// readers: leaving WAL mode, the writer closing last, a recovery replacing the file.
/// </summary>
internal sealed class SqliteIdleReadConnections(SqliteConnectionFactory connections) : IDisposable
{
    // Enough for the reads in flight on a busy host; more concurrent reads open a connection each
    // and close it after.
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    // Last in, first out: the connection used most recently has its pages and statements warm.
    private readonly Stack<SqlitePreparedConnection> _idle = new();
    private readonly Lock _lock = new();
    private int _generation;

    /// <summary>Bumped by <see cref="CloseAll"/>: a connection opened before goes back closed, not kept.</summary>
    public int Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    /// <summary>How many prepared connections are kept open and idle.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>An idle prepared connection, or <see langword="null"/> when none is kept.</summary>
    public SqlitePreparedConnection? TryTake()
    {
        lock (_lock)
        {
            return _idle.TryPop(out var connection) ? connection : null;
        }
    }

    /// <summary>Keeps <paramref name="connection"/> for the next read, or closes it when enough are kept or it predates <see cref="CloseAll"/>.</summary>
    public void Return(SqlitePreparedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            if (connection.Generation == _generation && _idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>Closes every idle read connection of the database; those in use are closed when they come back.</summary>
    public void CloseAll()
    {
        CloseKept();
        using var readers = new SqliteConnection(connections.ReaderConnectionString);
        SqliteConnection.ClearPool(readers);
    }

    /// <summary>Closes the prepared connections kept (the pool of the read contexts is Microsoft.Data.Sqlite's to close).</summary>
    public void Dispose() => CloseKept();

    private void CloseKept()
    {
        SqlitePreparedConnection[] closing;
        lock (_lock)
        {
            _generation++;
            closing = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in closing)
        {
            connection.Dispose();
        }
    }
}
