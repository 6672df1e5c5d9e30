using Compozy.Data.Errors;
using Compozy.Data.Files;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The writer's connection and its lifetime: opened on the first turn with the SQLite profile
/// applied, kept open for the host's life, the contexts created on it, the cross-process writer
/// lock taken for each turn (<see cref="SqliteWriterLock"/>), and the close. It runs nothing
/// itself: <see cref="SqliteGroupCommitLoop"/> takes turns on it, one at a time.
/// </summary>
/// <remarks>
/// Before and after each turn the caller checks that the database path still names the file this
/// connection opened (<see cref="VerifyDatabaseFile"/>). When the file was lost, closing saves what
/// the open connection still reads of it to a copy beside the path.
/// </remarks>
internal sealed partial class SqliteWriterConnection : IAsyncDisposable
{
    /// <summary>How long closing waits for another process's writer turn before it closes without the lock.</summary>
    private static readonly TimeSpan ProcessLockWaitOnClose = TimeSpan.FromSeconds(5);
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteConnectionSetup _setup;
    private readonly SqliteIdleReadConnections _idleReaders;
    private readonly SqliteMetrics _metrics;
    private readonly SqliteBusyCounter _busyCounter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SqliteDatabaseFileGuard _guard;
    private readonly SqliteWriterLock _processLock;
    private SqliteConnection? _connection;
    private PooledDbContextFactory<CompozyDbContext>? _contexts;
    private SqliteStatementCache? _statements;
    private SqliteUnitSavepoints? _savepoints;
    private int _closing;

    public SqliteWriterConnection(
        SqliteConnectionFactory connections,
        SqliteConnectionSetup setup,
        SqliteIdleReadConnections idleReaders,
        SqliteMetrics metrics,
        SqliteBusyCounter busyCounter,
        SqliteDatabaseFileGuard guard,
        TimeProvider clock,
        ILoggerFactory loggerFactory)
    {
        _connections = connections;
        _setup = setup;
        _idleReaders = idleReaders;
        _metrics = metrics;
        _busyCounter = busyCounter;
        _guard = guard;
        _loggerFactory = loggerFactory;

        // The lost-file events keep the category operators know them by (docs/operations/wal-monitoring.md).
        _logger = loggerFactory.CreateLogger<SqliteDatabaseWriter>();
        _processLock = new SqliteWriterLock(connections.Files, clock);
    }

    /// <summary>Whether the connection is open.</summary>
    public bool IsOpen => _connection is not null;

    /// <summary>The statements kept prepared on the connection; null until it first opens.</summary>
    public SqliteStatementCache? Statements => _statements;

    /// <summary>The savepoint statements of a batch's units, prepared on the connection; valid during a turn.</summary>
    public SqliteUnitSavepoints Savepoints => _savepoints ?? throw new InvalidOperationException("the SQLite writer connection is not open: begin a turn first");

    /// <summary>The open connection; valid during a turn.</summary>
    public SqliteConnection Connection => _connection ?? throw new InvalidOperationException("the SQLite writer connection is not open: begin a turn first");

    /// <summary>
    /// Starts a turn: opens the connection on first use and takes the cross-process writer lock,
    /// waiting up to <paramref name="processLockWait"/> for another process's turn. Every turn
    /// that returns must be ended with <see cref="EndTurn"/>; one that throws holds nothing.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The writer is closing and the connection was never opened.</exception>
    /// <exception cref="TimeoutException">Another process held the writer lock, or a restore the database, for longer than <paramref name="processLockWait"/>.</exception>
    public async Task BeginTurnAsync(TimeSpan processLockWait, CancellationToken cancellationToken)
    {
        // Queued work is still served while the writer closes, but a closing writer opens nothing.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closing) == 1 && _connection is null, typeof(SqliteDatabaseWriter));
        _guard.ThrowIfLost();
        if (_contexts is null)
        {
            // The lock file lives beside the database: its directory must exist (private) first.
            _connections.EnsureDatabaseFile();

            // Before the first open: a restore in progress keeps every writer out until it is done.
            await _processLock.HoldDatabaseAsync(processLockWait, cancellationToken).ConfigureAwait(false);
        }

        await _processLock.AcquireAsync(processLockWait, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            VerifyDatabaseFile();
        }
        catch
        {
            _processLock.Release();
            throw;
        }
    }

    /// <summary>Ends the turn <see cref="BeginTurnAsync"/> started: another process may write.</summary>
    public void EndTurn() => _processLock.Release();

    /// <summary>A context on the writer connection; valid during a turn. The caller disposes it.</summary>
    public CompozyDbContext CreateContext() =>
        (_contexts ?? throw new InvalidOperationException("the SQLite writer connection is not open: begin a turn first")).CreateDbContext();

    /// <exception cref="CompozyDataException">The database file is no longer the one the writer opened.</exception>
    public void VerifyDatabaseFile()
    {
        if (!_guard.Verify())
        {
            throw SqliteDatabaseFileGuard.LostError();
        }
    }

    /// <summary>From now on the connection is not opened any more; an open one stays open until <see cref="DisposeAsync"/>.</summary>
    public void BeginClose() => Volatile.Write(ref _closing, 1);

    /// <summary>
    /// Closes idle read connections and then the writer connection, so that only the writer can
    /// be the last connection of the file, saving a copy first when the file was lost. Call it
    /// once no turn runs, or when the writer gave up waiting for one to end. Closing twice does
    /// nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        BeginClose();
        var hasProcessLock = _connection is not null && await TryTakeProcessLockAsync(ProcessLockWaitOnClose).ConfigureAwait(false);
        if (_connection is not null)
        {
            _idleReaders.CloseAll();

            // Closing disposes them as well; before the VACUUM INTO below, so it runs beside no statement of the writer's.
            _statements?.Dispose();
            _savepoints?.Dispose();
            if (!_guard.Verify(includeWal: true))
            {
                SaveLostDatabase(_connection);
            }

            // Closing the last connection checkpoints; that must not overlap another process's
            // write, hence the process lock taken above.
            try
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
                _guard.RemoveLostCompanions();
            }
            finally
            {
                if (hasProcessLock)
                {
                    _processLock.Release();
                }
            }
        }
        else if (hasProcessLock)
        {
            _processLock.Release();
        }

        _processLock.Dispose();
    }

    private void EnsureOpen()
    {
        if (_contexts is not null)
        {
            return;
        }

        var connection = new SqliteConnection(_connections.WriterConnectionString);
        try
        {
            var beforeOpen = _guard.IdentityBeforeOpen();
            connection.Open();
            _setup.Apply(connection, SqliteConnectionRole.Writer);
            _guard.RecordOpened(beforeOpen, walMode: _connections.Mode.JournalMode == SqliteJournalMode.Wal);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _metrics.ObserveWalSize(() => _connections.WalSize);
        _statements = new SqliteStatementCache(connection);
        _savepoints = new SqliteUnitSavepoints(connection);
        _contexts = new PooledDbContextFactory<CompozyDbContext>(
            SqliteDbContextOptionsConfigurer.CreateWriterOptions(connection, _loggerFactory, _busyCounter, _statements));
    }

    /// <summary>
    /// Saves what the writer still sees of a database whose file is gone: the writer's open
    /// connection reads the deleted file (and its WAL) as long as it stays open, so a
    /// <c>VACUUM INTO</c> writes all of it, everything committed included, to a new file beside
    /// the path. The copy is created owner-only before SQLite fills it.
    /// </summary>
    private void SaveLostDatabase(SqliteConnection connection)
    {
        var files = _connections.Files!;
        var copy = files.LostCopy(DateTimeOffset.UtcNow);

        // Written under a hidden name and renamed when complete: a copy cut short (the process
        // killed while it is written) is never mistaken for a good one.
        var partial = Path.Combine(files.Directory, $".{Path.GetFileName(copy)}.partial");
        try
        {
            using (PrivateFile.Open(partial, FileMode.CreateNew, FileAccess.Write))
            {
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = "VACUUM INTO $copy;";
                command.Parameters.AddWithValue("$copy", partial);
                command.CommandTimeout = 0;
                command.ExecuteNonQuery();
            }

            File.Move(partial, copy);
            LogLostDatabaseSaved(files.Database, copy);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            LogLostDatabaseNotSaved(files.Database, copy, exception.Message);
        }
    }

    private async Task<bool> TryTakeProcessLockAsync(TimeSpan wait)
    {
        try
        {
            await _processLock.AcquireAsync(wait, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 3052, Level = LogLevel.Error, Message = "database file lost: everything the host committed to {Path} until it was lost is saved in {Copy}; once no process uses the database, restore it with mv {Copy} {Path}")]
    private partial void LogLostDatabaseSaved(string path, string copy);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Critical, Message = "database file lost: {Path} was deleted or replaced, and the copy of what the host still had open could not be saved to {Copy}: {Error}. The data committed since the file was last backed up is lost")]
    private partial void LogLostDatabaseNotSaved(string path, string copy, string error);
}
