using System.Globalization;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Postgres.Connections;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compozy.Data.Postgres.Writes;

/// <summary>
/// PostgreSQL writes: each on a pooled connection in its own transaction, run through EF's
/// retrying execution strategy so that a transient failure re-runs the whole unit on a clean
/// context. A failure while COMMIT is in flight is first checked with the server
/// (<c>pg_xact_status</c> of the transaction's id, on another connection), so that a write the
/// server did commit is answered as done instead of being run a second time. When the server
/// that answers is not the one that ran the transaction (it restarted, or a standby was promoted),
/// an id whose record did not survive may have been handed out again, so "committed" from it
/// proves nothing: the write then fails as a connection failure whose outcome is unknown, never
/// acknowledged on a guess and never run twice.
/// </summary>
internal sealed class PostgresDatabaseWriter(
    PostgresDbContextOptionsConfigurer optionsConfigurer, NpgsqlDataSource dataSource, PostgresSessionDataSource sessions, PostgresReturnedMarks returnedMarks)
    : IDatabaseWriter, IDisposable
{
    private readonly PooledDbContextFactory<CompozyDbContext> _contexts = new(optionsConfigurer.CreateWriterOptions());

    // Exclusive work takes session-level advisory locks (the migration lock, pgvector's index
    // lock), so it runs on connections whose close ends the session (PostgresSessionDataSource).
    private readonly Lazy<DbContextOptions<CompozyDbContext>> _exclusiveOptions = new(() => optionsConfigurer.CreateWriterOptions(sessions.DataSource));
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    public async Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var attempt = new Attempt<T>(context, work, dataSource, returnedMarks);
            return await context.Database.CreateExecutionStrategy()
                .ExecuteAsync(attempt, static (_, attempt, token) => attempt.RunAsync(token), static (_, attempt, token) => attempt.VerifyAsync(token), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public async Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            T result;
            var context = new CompozyDbContext(_exclusiveOptions.Value);
            await using (context.ConfigureAwait(false))
            {
                result = await work(context, cancellationToken).ConfigureAwait(false);
            }

            // A migration may have created types (CREATE EXTENSION vector): EF's migrator reloads
            // them on its own connection, which is not the pool's, so the pool learns them here.
            try
            {
                await dataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
            {
                // The work is done and must not be reported failed or cancelled; a server that
                // cannot answer fails the pool's next use anyway, and pgvector's start-up check
                // reloads the types itself when it finds vectors unreadable.
            }

            return result;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public void Dispose() => _exclusive.Dispose();

    /// <summary>One write across its attempts: what the strategy runs, and what it asks after a failure.</summary>
    private sealed class Attempt<T>(
        CompozyDbContext context, Func<CompozyDbContext, CancellationToken, Task<T>> work, NpgsqlDataSource dataSource, PostgresReturnedMarks returnedMarks)
    {
        /// <summary>The transaction whose COMMIT was sent last and has not been answered.</summary>
        private PostgresTransactionMark? _committing;

        private T _result = default!;

        public async Task<T> RunAsync(CancellationToken cancellationToken)
        {
            // Cleared for every attempt: a failure before COMMIT is sent leaves nothing to verify,
            // since the server rolls that transaction back.
            _committing = null;

            // A retry must not see entities tracked by the failed attempt.
            context.ChangeTracker.Clear();

            // Any failure rolls the whole transaction back, so EF's savepoint around SaveChanges buys nothing.
            context.Database.AutoSavepointsEnabled = false;
            using var returned = returnedMarks.Listen(context);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var result = await work(context, cancellationToken).ConfigureAwait(false);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

                // The id must be known before COMMIT: once its reply is lost, the connection that could
                // have told is gone. An upsert returns it with its row; otherwise it is asked for. A
                // transaction that wrote nothing has none, and re-running it is harmless.
                var mark = returned.Mark ?? await PostgresTransactionStatus.MarkIfAssignedAsync(
                    context.Database.GetDbConnection(), transaction.GetDbTransaction(), cancellationToken).ConfigureAwait(false);
                _result = result;
                _committing = mark;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                _committing = null;
                return result;
            }
        }

        /// <summary>
        /// Called by the strategy after a transient failure, before it decides to retry: a success
        /// result ends the write with the committed attempt's result.
        /// </summary>
        public async Task<ExecutionResult<T>> VerifyAsync(CancellationToken cancellationToken)
        {
            if (_committing is not { } mark)
            {
                return new ExecutionResult<T>(false, default!);
            }

            var (outcome, sameServer) = await PostgresTransactionStatus.QueryAsync(dataSource, mark, cancellationToken).ConfigureAwait(false);
            return (outcome, sameServer) switch
            {
                (PostgresTransactionOutcome.Committed, true) => new ExecutionResult<T>(true, _result),

                // The old backend is still finishing the COMMIT (or waiting for a synchronous
                // standby) and may yet commit, so running the write again now could apply it twice.
                // A TimeoutException is transient to the strategy: it asks again after its backoff,
                // within the same retry budget, and gives up with the write reported as failed.
                (PostgresTransactionOutcome.InProgress, true) => throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The connection failed while COMMIT of transaction {mark.TransactionId} was in flight, and the server still reports it in progress.")),

                // Another server (a promoted standby) or the same one restarted after a crash: the
                // id may belong to a transaction of its own now. Had this one's record reached it,
                // the id could not have been handed out again, so only "committed" is in doubt;
                // "in progress" there is some other session's transaction, since this one's
                // backend is gone with the old server.
                (PostgresTransactionOutcome.Committed, false) => throw new CompozyDataException(
                    DbErrorKind.ConnectionFailed,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The connection failed while COMMIT of transaction {mark.TransactionId} was in flight, and the server that answers now restarted or took over since (failover); it reports that id committed, but the id may have been given to another transaction there, so whether this write was applied is unknown. It was not run again: check its effect before repeating it.")),
                _ => new ExecutionResult<T>(false, default!),
            };
        }
    }
}
