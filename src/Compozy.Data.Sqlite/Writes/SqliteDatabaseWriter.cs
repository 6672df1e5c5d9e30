using Compozy.Data.Configuration;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
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
/// turns with this one through a lock file beside the database.</para>
/// <para>A write must not start another write from inside its delegate: it would wait for
/// itself. That is refused with <see cref="InvalidOperationException"/>.</para>
/// <para>Before and after each commit the writer checks that the database path still names the
/// file it opened (<see cref="SqliteDatabaseFileGuard"/>). When it does not, the batch is rolled
/// back (or, when the file vanished during the commit, its callers are failed all the same: what
/// they wrote went into a file no one can open again), and every later write is refused.</para>
/// <para><see cref="DisposeAsync"/> is the shutdown; the writer has no synchronous one, so a
/// service provider holding it must be disposed with <c>DisposeAsync</c>.</para>
/// </remarks>
internal sealed partial class SqliteDatabaseWriter : IDatabaseWriter, IAsyncDisposable
{
    /// <summary>How long closing lets the queued work run before it fails what is left.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private readonly SqliteDatabaseFileGuard _guard;
    private readonly ILogger<SqliteDatabaseWriter> _logger;
    private readonly SqliteWriteQueue _queue;
    private readonly SqliteWriterConnection _connection;
    private readonly SqliteGroupCommitLoop _loop;
    private int _closed;

    /// <summary>Creates the writer; nothing is opened until the first write.</summary>
    public SqliteDatabaseWriter(
        SqliteConnectionFactory connections,
        SqliteConnectionSetup setup,
        SqliteIdleReadConnections idleReaders,
        SqliteMetrics metrics,
        SqliteBusyCounter busyCounter,
        IOptions<CompozyDataOptions> dataOptions,
        SqliteDatabaseFileGuard guard,
        TimeProvider clock,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(dataOptions);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _guard = guard;
        _logger = loggerFactory.CreateLogger<SqliteDatabaseWriter>();
        var options = connections.Options;
        _queue = new SqliteWriteQueue(options.WriterQueueCapacity, metrics);
        _connection = new SqliteWriterConnection(connections, setup, idleReaders, metrics, busyCounter, guard, clock, loggerFactory);

        // A migration or maintenance job waits for another process's writer as long as a migration may take.
        var migrationTimeout = dataOptions.Value.Database.MigrationTimeout;
        var jobTurnWait = migrationTimeout > options.BusyTimeout ? migrationTimeout : options.BusyTimeout;
        _loop = new SqliteGroupCommitLoop(_queue, _connection, options, jobTurnWait, metrics, busyCounter);
    }

    /// <summary>Whether the writer connection is open: false before the first write and from the moment closing began.</summary>
    public bool IsOpen => _connection.IsOpen && Volatile.Read(ref _closed) == 0;

    /// <summary>The statements kept prepared on the writer connection; null until it first opens.</summary>
    public SqliteStatementCache? Statements => _connection.Statements;

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
                var context = _connection.CreateContext();
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
    /// connection, so that only the writer can be the last connection of the file; both waits
    /// are asynchronous. Later writes fail with <see cref="ObjectDisposedException"/>. Closing
    /// twice does nothing. The host's stop path closes it once its last checkpoint ran; the
    /// service provider's disposal closes it otherwise.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        _connection.BeginClose();
        _queue.Complete();
        try
        {
            await _loop.Completion.WaitAsync(CloseWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogCloseTimedOut(CloseWait.TotalSeconds);
        }

        _queue.FailRemaining();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task EnqueueAsync(WriterItem item, CancellationToken cancellationToken)
    {
        if (_loop.IsInsideWriter)
        {
            throw new InvalidOperationException(
                "a write was started from inside another write's delegate; it would wait for itself. Do all of it in one write.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) == 1, this);
        _guard.ThrowIfLost();
        _loop.EnsureStarted();
        await _queue.EnqueueAsync(item, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3040, Level = LogLevel.Warning, Message = "the SQLite writer did not finish its queued work within {Seconds:F0} s of closing; what was left fails with ObjectDisposedException")]
    private partial void LogCloseTimedOut(double seconds);
}
