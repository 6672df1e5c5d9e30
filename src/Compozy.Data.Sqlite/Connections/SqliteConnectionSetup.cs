using System.Globalization;
using Compozy.Data.Sqlite.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Applies the SQLite profile to a freshly opened connection. PRAGMAs are per connection, so
/// this runs for every connection the layer opens: from <see cref="SqlitePragmaInterceptor"/>
/// for the connections EF opens, and directly for the writer, which the layer opens itself.
/// </summary>
public sealed class SqliteConnectionSetup
{
    private readonly SqliteOptions _options;

    /// <summary>Creates the setup for the configured database.</summary>
    public SqliteConnectionSetup(IOptions<SqliteOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>Applies the PRAGMAs for <paramref name="role"/> to an open connection.</summary>
    /// <exception cref="InvalidOperationException">The journal mode could not be set as configured.</exception>
    public void Apply(SqliteConnection connection, SqliteConnectionRole role)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};"));
        Execute(connection, "PRAGMA foreign_keys = ON;");

        if (role == SqliteConnectionRole.Reader)
        {
            Execute(connection, "PRAGMA query_only = 1;");
            return;
        }

        if (_options.IsInMemory)
        {
            return;
        }

        // auto_vacuum only takes effect before the first table exists.
        if (Scalar<long>(connection, "PRAGMA page_count;") == 0)
        {
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL;");
        }

        var journalMode = Scalar<string>(connection, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite database {_options.Path} is in journal_mode={journalMode} and could not be switched to WAL; " +
                "another process may hold it open in a different mode. Stop it and start again.");
        }

        Execute(connection, "PRAGMA synchronous = FULL;");
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }
}
