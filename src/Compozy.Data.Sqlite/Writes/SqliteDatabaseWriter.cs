using System.Diagnostics;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Compozy.Data.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The single SQLite writer: one connection, opened on first use and kept open for the host's
/// life, on which every write, checkpoint and maintenance step runs in turn. Writes run inside
/// <c>BEGIN IMMEDIATE</c>.
/// </summary>
/// <remarks>
/// One writer connection means writers never contend for SQLite's write lock inside this process
/// (no <c>SQLITE_BUSY</c>, no read-to-write upgrade failures), and it is the only connection that
/// commits or checkpoints, which keeps clear of the WAL-reset bug of SQLite 3.50.4 that needs two
/// connections writing or checkpointing at once. Keeping it open also keeps an in-memory
/// database alive and stops read connections from being the last to close.
/// </remarks>
public sealed class SqliteDatabaseWriter(
    SqliteConnectionFactory connections,
    SqliteConnectionSetup setup,
    SqliteMetrics metrics,
    SqliteBusyCounter busyCounter,
    IOptions<CompozyDataOptions> dataOptions,
    ILoggerFactory loggerFactory) : IDatabaseWriter, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly SqliteWriterLock _processLock = new(connections.Options.IsInMemory ? null : connections.Options.Path);
    private SqliteConnection? _connection;
    private PooledDbContextFactory<CompozyDbContext>? _contexts;
    private int _closed;
    private bool _fileReady;

    /// <summary>Whether the writer connection is open.</summary>
    public bool IsOpen => _connection is not null && Volatile.Read(ref _closed) == 0;

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnterAsync(connections.Options.BusyTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var context = EnsureOpen().CreateDbContext();
            await using (context.ConfigureAwait(false))
            {
                // deferred: false issues BEGIN IMMEDIATE: the write lock is taken up front, so a
                // transaction that reads first can never fail to upgrade to a write.
                var transaction = _connection!.BeginTransaction(deferred: false);
                await using (transaction.ConfigureAwait(false))
                {
                    await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
                    var result = await work(context, cancellationToken).ConfigureAwait(false);
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (SqliteException exception)
        {
            busyCounter.Count(exception);
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc />
    public async Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnterAsync(LongTurnWait, cancellationToken).ConfigureAwait(false);
        try
        {
            var context = EnsureOpen().CreateDbContext();
            await using (context.ConfigureAwait(false))
            {
                return await work(context, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's own connection while no write runs: for
    /// checkpoints and maintenance, which must run on the one connection that writes.
    /// </summary>
    public async Task<T> RunOnConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnterAsync(LongTurnWait, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            return await work(_connection!, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Closes the writer: idle read connections first, so that only the writer can be the last
    /// connection of the file. Waits briefly for a write in progress, then closes regardless.
    /// Later writes fail with <see cref="ObjectDisposedException"/>. Closing twice does nothing.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        var hasTurn = _turn.Wait(CloseWait);
        try
        {
            if (_connection is not null)
            {
                using (var readers = new SqliteConnection(connections.ReaderConnectionString))
                {
                    SqliteConnection.ClearPool(readers);
                }

                // Closing the last connection checkpoints; that must not overlap another process's write.
                var hasProcessLock = TryTakeProcessLockForClose();
                try
                {
                    _connection.Dispose();
                    _connection = null;
                }
                finally
                {
                    if (hasProcessLock)
                    {
                        _processLock.Release();
                    }
                }
            }
        }
        finally
        {
            _processLock.Dispose();
            if (hasTurn)
            {
                _turn.Release();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>How long a migration or maintenance turn waits for another process's writer.</summary>
    private TimeSpan LongTurnWait => dataOptions.Value.Database.MigrationTimeout > connections.Options.BusyTimeout
        ? dataOptions.Value.Database.MigrationTimeout
        : connections.Options.BusyTimeout;

    private async Task EnterAsync(TimeSpan processLockWait, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) == 1, this);
        metrics.WriterQueued();
        var waited = Stopwatch.StartNew();
        try
        {
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            metrics.WriterDequeued(waited.Elapsed);
        }

        if (Volatile.Read(ref _closed) == 1)
        {
            _turn.Release();
            throw new ObjectDisposedException(nameof(SqliteDatabaseWriter));
        }

        try
        {
            if (!_fileReady)
            {
                // The lock file lives beside the database: its directory must exist (private) first.
                connections.EnsureDatabaseFile();
                _fileReady = true;
            }

            await _processLock.AcquireAsync(processLockWait, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _turn.Release();
            throw;
        }
    }

    private void Exit()
    {
        _processLock.Release();
        _turn.Release();
    }

    private bool TryTakeProcessLockForClose()
    {
        try
        {
            _processLock.AcquireAsync(CloseWait, CancellationToken.None).GetAwaiter().GetResult();
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private PooledDbContextFactory<CompozyDbContext> EnsureOpen()
    {
        if (_contexts is not null)
        {
            return _contexts;
        }

        var connection = new SqliteConnection(connections.WriterConnectionString);
        try
        {
            connection.Open();
            setup.Apply(connection, SqliteConnectionRole.Writer);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        metrics.ObserveWalSize(() => connections.WalSize);
        _contexts = new PooledDbContextFactory<CompozyDbContext>(
            SqliteDbContextOptionsConfigurer.CreateWriterOptions(connection, loggerFactory, busyCounter));
        return _contexts;
    }
}
