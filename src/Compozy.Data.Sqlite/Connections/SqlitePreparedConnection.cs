using Microsoft.Data.Sqlite;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// A read connection kept open between reads, with the statements prepared on it: closing a
/// connection (even into Microsoft.Data.Sqlite's pool) finalizes its statements, and preparing
/// them again was a quarter of a single-row read (bench/README.md, "The single get").
/// </summary>
internal sealed class SqlitePreparedConnection : IDisposable
{
    // A handful of fixed statements: a scan that meets the caller's own string instance first
    // costs less than hashing a statement of a few hundred characters on every read.
    private readonly List<(string Sql, SqliteCommand Command)> _commands = [];

    /// <summary>Takes over <paramref name="connection"/>, open and configured as a reader.</summary>
    public SqlitePreparedConnection(SqliteConnection connection, int generation)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Generation = generation;
    }

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The <see cref="SqliteIdleReadConnections.Generation"/> it was opened in; an older one is closed instead of kept.</summary>
    public int Generation { get; }

    /// <summary>
    /// The command for <paramref name="sql"/> with its one parameter <paramref name="parameterName"/>,
    /// prepared the first time. Callers pass fixed statement texts, so the set stays small.
    /// </summary>
    public SqliteCommand Command(string sql, string parameterName)
    {
        foreach (var (text, prepared) in _commands)
        {
            if (string.Equals(text, sql, StringComparison.Ordinal))
            {
                return prepared;
            }
        }

        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new SqliteParameter { ParameterName = parameterName });
        command.Prepare();
        _commands.Add((sql, command));
        return command;
    }

    public void Dispose()
    {
        foreach (var (_, command) in _commands)
        {
            command.Dispose();
        }

        Connection.Dispose();
    }
}
