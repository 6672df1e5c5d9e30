using System.Globalization;
using System.Runtime.CompilerServices;
using Compozy.Data.Sqlite.Configuration;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Applies the SQLite production profile to each physical connection the layer opens: from
/// <see cref="SqlitePragmaInterceptor"/> for the connections EF opens, and directly for the writer
/// and for inspection connections, which the layer opens itself. PRAGMAs belong to the
/// connection, so a pooled connection that is reopened keeps them; each physical connection is
/// configured once.
/// </summary>
internal sealed class SqliteConnectionSetup
{
    // sqlite3_db_config option (sqlite3.h): do not checkpoint and delete the WAL on close.
    private const int NoCheckpointOnClose = 1006;

    private static readonly object Configured = new();
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteIdleReadConnections _idleReaders;
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    /// <summary>Creates the setup for the configured database.</summary>
    public SqliteConnectionSetup(SqliteConnectionFactory connections, SqliteIdleReadConnections idleReaders)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(idleReaders);
        _connections = connections;
        _idleReaders = idleReaders;
    }

    /// <summary>Applies the PRAGMAs for <paramref name="role"/> to an open connection, once per physical connection.</summary>
    /// <exception cref="InvalidOperationException">The journal mode could not be set as configured.</exception>
    public void Apply(SqliteConnection connection, SqliteConnectionRole role)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var handle = connection.Handle!;
        if (_configured.TryGetValue(handle, out _))
        {
            return;
        }

        var options = _connections.Options;
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};"));
        Execute(connection, $"PRAGMA foreign_keys = {(options.ForeignKeys ? "ON" : "OFF")};");
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {-(options.CacheSize / 1024)};"));
        Execute(connection, "PRAGMA temp_store = MEMORY;");

        if (role == SqliteConnectionRole.Reader)
        {
            // Only the writer may checkpoint; a reader closing last must not.
            DisableCheckpointOnClose(connection);
            Execute(connection, "PRAGMA query_only = 1;");
        }

        if (!options.IsInMemory)
        {
            Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA mmap_size = {options.MmapSize};"));
            if (role == SqliteConnectionRole.Writer)
            {
                ApplyWriterProfile(connection, options);
            }
        }

        _configured.AddOrUpdate(handle, Configured);
    }

    /// <summary>Stops <paramref name="connection"/> from checkpointing when it closes.</summary>
    internal static void DisableCheckpointOnClose(SqliteConnection connection)
    {
        var result = raw.sqlite3_db_config(connection.Handle!, NoCheckpointOnClose, 1, out _);
        if (result != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"sqlite3_db_config(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE) failed with code {result}");
        }
    }

    private void ApplyWriterProfile(SqliteConnection connection, SqliteOptions options)
    {
        var mode = _connections.Mode;

        // auto_vacuum only takes effect before the first table exists.
        if (Scalar<long>(connection, "PRAGMA page_count;") == 0)
        {
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL;");
        }

        var wanted = mode.JournalMode == SqliteJournalMode.Wal ? "wal" : "delete";
        if (!string.Equals(Scalar<string>(connection, "PRAGMA journal_mode;"), wanted, StringComparison.OrdinalIgnoreCase))
        {
            // Leaving WAL needs the file to itself: this process's idle read connections must go first.
            _idleReaders.CloseAll();
        }

        string actual;
        try
        {
            actual = Scalar<string>(connection, $"PRAGMA journal_mode = {wanted.ToUpperInvariant()};");
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Busy or SqliteErrorCodes.Locked)
        {
            throw new InvalidOperationException(
                $"SQLite database {options.Path} could not be switched to journal_mode={wanted}: another connection holds it open " +
                "(SQLITE_BUSY after busy_timeout), usually another process such as a running host or a sqlite3 shell. Stop it and start again.",
                exception);
        }

        if (!string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite database {options.Path} stayed in journal_mode={actual} when {wanted} was set. Another process may " +
                "hold it open in another mode (stop it and start again), or the filesystem cannot provide what the mode needs.");
        }

        if (mode.ExclusiveLocking)
        {
            Execute(connection, "PRAGMA locking_mode = EXCLUSIVE;");
        }

        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = {(int)options.Synchronous};"));
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA journal_size_limit = {options.JournalSizeLimit};"));

        // Analyses only tables whose statistics are missing or stale, bounded in time. It writes
        // statistics, so another process holding the write lock makes it wait; statistics can
        // wait for the hourly and shutdown optimize instead.
        try
        {
            Execute(connection, "PRAGMA optimize = 0x10002;");
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Busy or SqliteErrorCodes.Locked)
        {
        }
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
