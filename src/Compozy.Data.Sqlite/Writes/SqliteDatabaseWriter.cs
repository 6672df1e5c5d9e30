using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The single SQLite writer: one connection, opened on first use and kept open for the host's
/// life, on which every write runs in turn inside <c>BEGIN IMMEDIATE</c>.
/// </summary>
/// <remarks>
/// One writer connection means writers never contend for SQLite's write lock inside this process
/// (no <c>SQLITE_BUSY</c>, no read-to-write upgrade failures), and it is the only connection that
/// commits or checkpoints, which keeps clear of the WAL-reset bug of SQLite 3.50.4 that needs two
/// connections writing or checkpointing at once. Keeping it open also keeps an in-memory
/// database alive and stops read connections from being the last to close (which would
/// checkpoint from a reader).
/// </remarks>
internal sealed class SqliteDatabaseWriter(
    SqliteConnectionFactory connections,
    SqliteConnectionSetup setup,
    ILoggerFactory loggerFactory) : IDatabaseWriter, IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private SqliteConnection? _connection;
    private PooledDbContextFactory<CompozyDbContext>? _contexts;
    private bool _disposed;

    public async Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var contexts = EnsureOpen();
            var context = contexts.CreateDbContext();
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
        finally
        {
            _turn.Release();
        }
    }

    public async Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            _turn.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection?.Dispose();
        _connection = null;
        using (var readers = new SqliteConnection(connections.ReaderConnectionString))
        {
            SqliteConnection.ClearPool(readers);
        }

        _turn.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private PooledDbContextFactory<CompozyDbContext> EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_contexts is not null)
        {
            return _contexts;
        }

        connections.EnsureDatabaseFile();
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
        _contexts = new PooledDbContextFactory<CompozyDbContext>(SqliteDbContextOptionsConfigurer.CreateWriterOptions(connection, loggerFactory));
        return _contexts;
    }
}
