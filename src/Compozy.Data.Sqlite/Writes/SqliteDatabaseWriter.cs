using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The single SQLite writer: one connection, opened on first use and kept open for the host's
/// life, and one loop that runs every write, checkpoint and maintenance step on it in turn.
/// </summary>
/// <remarks>
/// <para>Writes are queued. With group commit (the default) the loop takes the writes waiting
/// and commits them together: one <c>BEGIN IMMEDIATE</c> transaction and one fsync per batch, a
/// savepoint per write so a write that throws rolls back alone, and every caller answered only
/// after its batch's <c>COMMIT</c> returned. Without group commit each write is its own
/// transaction. The queue is bounded: when it is full, callers wait to enqueue.</para>
/// <para>One writer connection means writers never contend for SQLite's write lock inside this
/// process (no <c>SQLITE_BUSY</c>, no read-to-write upgrade failures), and batching on one
/// connection is what lets many writes share one fsync. A second process on the same file takes
/// turns with this one through <see cref="SqliteWriterLock"/>.</para>
/// <para>A write must not start another write from inside its delegate: it would wait for
/// itself. That is refused with <see cref="InvalidOperationException"/>.</para>
/// <para>Before and after each commit the writer checks that the database path still names the
/// file it opened (<see cref="SqliteDatabaseFileGuard"/>). When it does not, the batch is rolled
/// back (or, when the file vanished during the commit, its callers are failed all the same: what
/// they wrote went into a file no one can open again), and every later write is refused.</para>
/// </remarks>
public sealed partial class SqliteDatabaseWriter : IDatabaseWriter, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteConnectionSetup _setup;
    private readonly SqliteMetrics _metrics;
    private readonly SqliteBusyCounter _busyCounter;
    private readonly IOptions<CompozyDataOptions> _dataOptions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<SqliteDatabaseWriter> _logger;
    private readonly SqliteDatabaseFileGuard _guard;
    private readonly Channel<WriterItem> _queue;
    private readonly SqliteWriterLock _processLock;
    private readonly AsyncLocal<bool> _insideWriter = new();
    private readonly Lock _startGate = new();
    private Task? _loop;
    private WriterItem? _deferred;
    private SqliteConnection? _connection;
    private PooledDbContextFactory<CompozyDbContext>? _contexts;
    private int _closed;

    /// <summary>Creates the writer; nothing is opened until the first write.</summary>
    public SqliteDatabaseWriter(
        SqliteConnectionFactory connections,
        SqliteConnectionSetup setup,
        SqliteMetrics metrics,
        SqliteBusyCounter busyCounter,
        IOptions<CompozyDataOptions> dataOptions,
        SqliteDatabaseFileGuard guard,
        TimeProvider clock,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _guard = guard;
        _connections = connections;
        _setup = setup;
        _metrics = metrics;
        _busyCounter = busyCounter;
        _dataOptions = dataOptions;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SqliteDatabaseWriter>();
        _queue = Channel.CreateBounded<WriterItem>(new BoundedChannelOptions(connections.Options.WriterQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _processLock = new SqliteWriterLock(connections.Files, clock);
    }

    /// <summary>Whether the writer connection is open.</summary>
    public bool IsOpen => _connection is not null && Volatile.Read(ref _closed) == 0;

    private SqliteOptions Options => _connections.Options;

    private int MaxBatch => Options.GroupCommit ? Options.GroupCommitMaxBatch : 1;

    /// <summary>How long a migration or maintenance job waits for another process's writer.</summary>
    private TimeSpan LongTurnWait => _dataOptions.Value.Database.MigrationTimeout > Options.BusyTimeout
        ? _dataOptions.Value.Database.MigrationTimeout
        : Options.BusyTimeout;

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var unit = new UnitOfWork<T>(work, cancellationToken);
        await EnqueueAsync(unit, cancellationToken).ConfigureAwait(false);
        using (unit.CancelWhileQueued())
        {
            return await unit.Task.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunOnConnectionAsync(
            async (_, token) =>
            {
                var context = _contexts!.CreateDbContext();
                await using (context.ConfigureAwait(false))
                {
                    return await work(context, token).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's own connection, outside any transaction, while
    /// no write runs: for checkpoints and maintenance, which must run on the one connection that
    /// writes.
    /// </summary>
    public async Task<T> RunOnConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var job = new ExclusiveJob<T>(work, cancellationToken);
        await EnqueueAsync(job, cancellationToken).ConfigureAwait(false);
        using (job.CancelWhileQueued())
        {
            return await job.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the writer: lets queued work finish (up to a few seconds), fails what is left with
    /// <see cref="ObjectDisposedException"/>, then closes idle read connections and the writer
    /// connection, so that only the writer can be the last connection of the file. Closing
    /// twice does nothing. The host's stop path uses <see cref="CloseAsync"/>; this is for
    /// <see cref="Dispose"/>.
    /// </summary>
    public void Close()
    {
        if (BeginClose() is not { } loop)
        {
            return;
        }

        if (!loop.Wait(CloseWait))
        {
            LogCloseTimedOut(CloseWait.TotalSeconds);
        }

        var hasProcessLock = _connection is not null && TryTakeProcessLock(CloseWait).GetAwaiter().GetResult();
        FinishClose(hasProcessLock);
    }

    /// <summary>
    /// <see cref="Close"/> without blocking a thread: waits for queued work and for another
    /// process's writer turn asynchronously.
    /// </summary>
    public async Task CloseAsync()
    {
        if (BeginClose() is not { } loop)
        {
            return;
        }

        try
        {
            await loop.WaitAsync(CloseWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogCloseTimedOut(CloseWait.TotalSeconds);
        }

        var hasProcessLock = _connection is not null && await TryTakeProcessLock(CloseWait).ConfigureAwait(false);
        FinishClose(hasProcessLock);
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    /// <summary>Marks the writer closed and stops taking work; null when it was closed already.</summary>
    private Task? BeginClose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return null;
        }

        _queue.Writer.TryComplete();
        lock (_startGate)
        {
            return _loop ?? Task.CompletedTask;
        }
    }

    /// <summary>Fails what is left in the queue and closes the connections, once the loop ended or was given up on.</summary>
    private void FinishClose(bool hasProcessLock)
    {
        var closed = new ObjectDisposedException(nameof(SqliteDatabaseWriter), "the SQLite writer is closed");
        _deferred?.Fail(closed);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Fail(closed);
        }

        if (_connection is not null)
        {
            using (var readers = new SqliteConnection(_connections.ReaderConnectionString))
            {
                SqliteConnection.ClearPool(readers);
            }

            if (!_guard.Verify(includeWal: true))
            {
                SaveLostDatabase(_connection);
            }

            // Closing the last connection checkpoints; that must not overlap another process's
            // write, hence the process lock taken by the caller.
            try
            {
                _connection.Dispose();
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

    private async Task EnqueueAsync(WriterItem item, CancellationToken cancellationToken)
    {
        if (_insideWriter.Value)
        {
            throw new InvalidOperationException(
                "a write was started from inside another write's delegate; it would wait for itself. Do all of it in one write.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) == 1, this);
        _guard.ThrowIfLost();
        EnsureLoop();
        _metrics.WriterQueued();
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _metrics.WriterDequeued(TimeSpan.Zero);
            throw new ObjectDisposedException(nameof(SqliteDatabaseWriter), "the SQLite writer is closed");
        }
        catch (OperationCanceledException)
        {
            _metrics.WriterDequeued(TimeSpan.Zero);
            throw;
        }
    }

    private void EnsureLoop()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startGate)
        {
            _loop ??= Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (true)
        {
            WriterItem first;
            if (_deferred is { } deferred)
            {
                (first, _deferred) = (deferred, null);
            }
            else if (!await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return;
            }
            else if (!reader.TryRead(out first!))
            {
                continue;
            }
            else
            {
                Dequeued(first);
            }

            if (!first.TryTake())
            {
                // Cancelled while it waited; its caller has been answered.
                continue;
            }

            if (first is IExclusiveJob)
            {
                await RunExclusiveJobAsync(first).ConfigureAwait(false);
                continue;
            }

            var batch = new List<UnitOfWork> { (UnitOfWork)first };
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                Dequeued(next);
                if (next.IsExclusive)
                {
                    _deferred = next;
                    break;
                }

                if (next.TryTake())
                {
                    batch.Add((UnitOfWork)next);
                }
            }

            await RunBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private void Dequeued(WriterItem item) =>
        _metrics.WriterDequeued(Stopwatch.GetElapsedTime(item.EnqueuedAt));

    private async Task RunExclusiveJobAsync(WriterItem item)
    {
        if (item.CancellationToken.IsCancellationRequested)
        {
            item.Cancel();
            return;
        }

        try
        {
            await PrepareAsync(LongTurnWait, item.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            item.Fail(exception);
            return;
        }

        try
        {
            _insideWriter.Value = true;
            await ((IExclusiveJob)item).RunAsync(_connection!, VerifyDatabaseFile).ConfigureAwait(false);
        }
        finally
        {
            _insideWriter.Value = false;
            _processLock.Release();
        }
    }

    private async Task RunBatchAsync(List<UnitOfWork> batch)
    {
        var live = batch.Where(unit =>
        {
            if (!unit.CancellationToken.IsCancellationRequested)
            {
                return true;
            }

            unit.Cancel();
            return false;
        }).ToList();
        if (live.Count == 0)
        {
            return;
        }

        try
        {
            await PrepareAsync(Options.BusyTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            live.ForEach(unit => unit.Fail(exception));
            return;
        }

        try
        {
            var strategyContext = _contexts!.CreateDbContext();
            await using (strategyContext.ConfigureAwait(false))
            {
                var outcomes = await strategyContext.Database.CreateExecutionStrategy()
                    .ExecuteAsync(live, (_, units, _) => CommitBatchAsync(units), verifySucceeded: null)
                    .ConfigureAwait(false);
                _metrics.RecordBatch(live.Count);
                for (var index = 0; index < live.Count; index++)
                {
                    if (outcomes[index].Failure is { } failure)
                    {
                        if (failure is OperationCanceledException && live[index].CancellationToken.IsCancellationRequested)
                        {
                            live[index].Cancel();
                        }
                        else
                        {
                            live[index].Fail(failure);
                        }
                    }
                    else
                    {
                        live[index].Complete(outcomes[index].Result);
                    }
                }
            }
        }
        catch (Exception exception)
        {
            // BEGIN or COMMIT failed, or a write broke the whole transaction: nothing of the batch
            // was committed, so every caller in it gets the failure.
            live.ForEach(unit => unit.Fail(exception));
        }
        finally
        {
            _processLock.Release();
        }
    }

    private async Task<(object? Result, Exception? Failure)[]> CommitBatchAsync(List<UnitOfWork> units)
    {
        try
        {
            return await CommitBatchOnceAsync(units).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            // Raw BEGIN and COMMIT bypass EF's interceptors; count their busy errors here, each retry included.
            _busyCounter.Count(exception);
            throw;
        }
    }

    private async Task<(object? Result, Exception? Failure)[]> CommitBatchOnceAsync(List<UnitOfWork> units)
    {
        var outcomes = new (object? Result, Exception? Failure)[units.Count];

        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken up front, so a write that
        // reads first can never fail to upgrade to a write.
        var transaction = _connection!.BeginTransaction(deferred: false);
        await using (transaction.ConfigureAwait(false))
        {
            for (var index = 0; index < units.Count; index++)
            {
                var unit = units[index];
                var savepoint = $"unit_{index}";
                await transaction.SaveAsync(savepoint).ConfigureAwait(false);
                try
                {
                    _insideWriter.Value = true;
                    var context = _contexts!.CreateDbContext();
                    await using (context.ConfigureAwait(false))
                    {
                        await context.Database.UseTransactionAsync(transaction).ConfigureAwait(false);

                        // The unit already has its own savepoint; EF's around SaveChanges would only double the work.
                        context.Database.AutoSavepointsEnabled = false;
                        var result = await unit.RunAsync(context).ConfigureAwait(false);
                        await context.SaveChangesAsync(unit.CancellationToken).ConfigureAwait(false);
                        outcomes[index] = (result, null);
                    }

                    await transaction.ReleaseAsync(savepoint).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not SqliteException { SqliteErrorCode: SqliteErrorCodes.Busy or SqliteErrorCodes.Locked })
                {
                    outcomes[index] = (null, exception);

                    // Some errors (disk full, I/O) end the whole transaction; then the savepoint is
                    // gone, rolling back to it throws, and every caller of the batch fails with the
                    // error that ended it, which says what happened ("this transaction has
                    // completed" does not, and would hide a filesystem gone away from the circuit).
                    try
                    {
                        await transaction.RollbackAsync(savepoint).ConfigureAwait(false);
                        await transaction.ReleaseAsync(savepoint).ConfigureAwait(false);
                    }
                    catch (Exception rollback) when (rollback is InvalidOperationException or SqliteException)
                    {
                        ExceptionDispatchInfo.Throw(exception);
                    }
                }
                finally
                {
                    _insideWriter.Value = false;
                }
            }

            // The last moment to roll back rather than commit into a file that is gone.
            VerifyDatabaseFile();
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        // The file may have gone during the COMMIT itself; then what it wrote cannot be read by
        // anyone again, and no caller may be told it was committed.
        VerifyDatabaseFile();
        return outcomes;
    }

    /// <summary>Opens the writer connection on first use and takes the cross-process writer lock.</summary>
    private async Task PrepareAsync(TimeSpan processLockWait, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) == 1 && _connection is null, this);
        _guard.ThrowIfLost();
        if (_contexts is null)
        {
            // The lock file lives beside the database: its directory must exist (private) first.
            _connections.EnsureDatabaseFile();
        }

        if (_contexts is null)
        {
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
        _contexts = new PooledDbContextFactory<CompozyDbContext>(
            SqliteDbContextOptionsConfigurer.CreateWriterOptions(connection, _loggerFactory, _busyCounter));
    }

    /// <exception cref="CompozyDataException">The database file is no longer the one the writer opened.</exception>
    private void VerifyDatabaseFile()
    {
        if (!_guard.Verify())
        {
            throw SqliteDatabaseFileGuard.LostError();
        }
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
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (new FileStream(partial, options))
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

    private async Task<bool> TryTakeProcessLock(TimeSpan wait)
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

    [LoggerMessage(EventId = 3040, Level = LogLevel.Warning, Message = "the SQLite writer did not finish its queued work within {Seconds:F0} s of closing; what was left fails with ObjectDisposedException")]
    private partial void LogCloseTimedOut(double seconds);
}
