using System.Runtime.ExceptionServices;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The one loop that runs everything the writer queue holds on the writer connection, in turn:
/// an <see cref="ExclusiveJob"/> alone, outside any transaction; units of work in batches, one
/// <c>BEGIN IMMEDIATE</c> transaction per batch with a savepoint per unit (a batch of one is its
/// own transaction), so a unit that throws rolls back alone, and every caller answered only after
/// its batch's <c>COMMIT</c> returned.
/// </summary>
/// <remarks>
/// <para>With group commit a batch is what waits in the queue when a turn starts, up to
/// <c>group_commit_max_batch</c>; without it each unit is a batch of one. A batch or job whose
/// turn cannot start (another process's writer lock, a lost file) fails all its callers.</para>
/// <para>Before the <c>COMMIT</c> and after it the loop checks that the database file is still the
/// one the connection opened: a batch is rolled back rather than committed into a file that is
/// gone, and when the file went during the <c>COMMIT</c> its callers are failed all the same,
/// since what they wrote can never be read again.</para>
/// </remarks>
internal sealed class SqliteGroupCommitLoop(
    SqliteWriteQueue queue,
    SqliteWriterConnection connection,
    SqliteOptions options,
    TimeSpan jobTurnWait,
    SqliteMetrics metrics,
    SqliteBusyCounter busyCounter)
{
    private readonly AsyncLocal<bool> _insideWriter = new();
    private readonly Lock _startGate = new();
    private Task? _loop;

    private int MaxBatch => options.GroupCommit ? options.GroupCommitMaxBatch : 1;

    /// <summary>Whether the caller runs inside a unit of work or job of this loop: a write started there would wait for itself.</summary>
    public bool IsInsideWriter => _insideWriter.Value;

    /// <summary>Starts the loop unless it runs already.</summary>
    public void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_startGate)
        {
            _loop ??= Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>
    /// The loop's end, once the queue was completed and emptied; completed at once when it never
    /// started. No loop starts after this was asked for.
    /// </summary>
    public Task Completion
    {
        get
        {
            lock (_startGate)
            {
                return _loop ??= Task.CompletedTask;
            }
        }
    }

    private async Task RunAsync()
    {
        while (await queue.TakeAsync().ConfigureAwait(false) is { } item)
        {
            switch (item)
            {
                case ExclusiveJob job:
                    await RunJobAsync(job).ConfigureAwait(false);
                    break;
                case UnitOfWork first:
                    var batch = new List<UnitOfWork> { first };
                    while (batch.Count < MaxBatch && queue.TryTakeUnit(out var next))
                    {
                        batch.Add(next);
                    }

                    await RunBatchAsync(batch).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task RunJobAsync(ExclusiveJob job)
    {
        if (job.CancellationToken.IsCancellationRequested)
        {
            job.Cancel();
            return;
        }

        try
        {
            await connection.BeginTurnAsync(jobTurnWait, job.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            job.Fail(exception);
            return;
        }

        try
        {
            _insideWriter.Value = true;
            await job.RunAsync(connection.Connection, connection.VerifyDatabaseFile).ConfigureAwait(false);
        }
        finally
        {
            _insideWriter.Value = false;
            connection.EndTurn();
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
            await connection.BeginTurnAsync(options.BusyTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            live.ForEach(unit => unit.Fail(exception));
            return;
        }

        try
        {
            var strategyContext = connection.CreateContext();
            await using (strategyContext.ConfigureAwait(false))
            {
                var outcomes = await strategyContext.Database.CreateExecutionStrategy()
                    .ExecuteAsync(live, (_, units, _) => CommitBatchAsync(units), verifySucceeded: null)
                    .ConfigureAwait(false);
                metrics.RecordBatch(live.Count);
                Answer(live, outcomes);
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
            connection.EndTurn();
        }
    }

    private static void Answer(List<UnitOfWork> units, (object? Result, Exception? Failure)[] outcomes)
    {
        for (var index = 0; index < units.Count; index++)
        {
            if (outcomes[index].Failure is { } failure)
            {
                if (failure is OperationCanceledException && units[index].CancellationToken.IsCancellationRequested)
                {
                    units[index].Cancel();
                }
                else
                {
                    units[index].Fail(failure);
                }
            }
            else
            {
                units[index].Complete(outcomes[index].Result);
            }
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
            busyCounter.Count(exception);
            throw;
        }
    }

    private async Task<(object? Result, Exception? Failure)[]> CommitBatchOnceAsync(List<UnitOfWork> units)
    {
        var outcomes = new (object? Result, Exception? Failure)[units.Count];

        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken up front, so a write that
        // reads first can never fail to upgrade to a write.
        var transaction = connection.Connection.BeginTransaction(deferred: false);
        await using (transaction.ConfigureAwait(false))
        {
            if (units.Count == 1)
            {
                // A batch of one needs no savepoint: the transaction is the unit's own, and a unit
                // that fails is rolled back with it, which is all its savepoint would have done.
                outcomes[0] = await RunUnitAsync(transaction, units[0], ownSavepoint: false).ConfigureAwait(false);
                if (outcomes[0].Failure is not null)
                {
                    return outcomes;
                }
            }
            else
            {
                for (var index = 0; index < units.Count; index++)
                {
                    outcomes[index] = await RunUnitAsync(transaction, units[index], ownSavepoint: true).ConfigureAwait(false);
                }
            }

            // The last moment to roll back rather than commit into a file that is gone.
            connection.VerifyDatabaseFile();
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        // The file may have gone during the COMMIT itself; then what it wrote cannot be read by
        // anyone again, and no caller may be told it was committed.
        connection.VerifyDatabaseFile();
        return outcomes;
    }

    /// <summary>
    /// Runs one unit under its own savepoint, or, without <paramref name="ownSavepoint"/>, as the
    /// whole transaction (rolled back when it fails); what it throws is its outcome, unless it
    /// ended the whole transaction.
    /// </summary>
    private async Task<(object? Result, Exception? Failure)> RunUnitAsync(SqliteTransaction transaction, UnitOfWork unit, bool ownSavepoint)
    {
        if (ownSavepoint)
        {
            connection.Savepoints.Save(transaction);
        }

        try
        {
            _insideWriter.Value = true;
            object? result;
            var context = connection.CreateContext();
            await using (context.ConfigureAwait(false))
            {
                await context.Database.UseTransactionAsync(transaction).ConfigureAwait(false);

                // The unit already has its own savepoint; EF's around SaveChanges would only double the work.
                context.Database.AutoSavepointsEnabled = false;
                result = await unit.RunAsync(context).ConfigureAwait(false);
                await context.SaveChangesAsync(unit.CancellationToken).ConfigureAwait(false);
            }

            if (ownSavepoint)
            {
                connection.Savepoints.Release(transaction);
            }

            return (result, null);
        }
        catch (Exception exception) when (exception is not SqliteException { SqliteErrorCode: SqliteErrorCodes.Busy or SqliteErrorCodes.Locked })
        {
            // Some errors (disk full, I/O) end the whole transaction; then the savepoint is
            // gone, rolling back to it throws, and every caller of the batch fails with the
            // error that ended it, which says what happened ("this transaction has completed"
            // does not, and would hide a filesystem gone away from the database circuit).
            try
            {
                if (ownSavepoint)
                {
                    connection.Savepoints.RollBack(transaction);
                }
                else
                {
                    await transaction.RollbackAsync().ConfigureAwait(false);
                }
            }
            catch (Exception rollback) when (rollback is InvalidOperationException or SqliteException)
            {
                ExceptionDispatchInfo.Throw(exception);
            }

            return (null, exception);
        }
        finally
        {
            _insideWriter.Value = false;
        }
    }
}
