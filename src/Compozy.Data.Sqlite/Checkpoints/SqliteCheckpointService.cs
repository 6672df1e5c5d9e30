using System.Diagnostics;
using Compozy.Data.Configuration;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Operations;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>
/// Keeps the WAL bounded while the host runs, and closes the database cleanly when it stops.
/// Every <c>wal_checkpoint_interval</c> (both settings follow a configuration reload) it checkpoints on the writer: PASSIVE, or TRUNCATE once
/// the WAL passes <c>wal_checkpoint_truncate_threshold</c>, logging
/// <c>periodic-checkpoint completed</c>; a checkpoint that readers kept from finishing is logged
/// as a warning. Once an hour it refreshes planner statistics (<c>PRAGMA optimize</c>). On
/// shutdown it runs maintenance (if <c>maintenance_on_shutdown</c>) and a final TRUNCATE
/// checkpoint, all within <c>shutdown_timeout</c> and the host's own shutdown deadline, and
/// then closes the writer whatever happened. When the database file was deleted or replaced under
/// the host, it does neither maintenance nor checkpoint on a file that is gone, and says so: the
/// writer saves a copy as it closes, and the stop is not a clean one.
/// </summary>
internal sealed partial class SqliteCheckpointService(
    SqliteCheckpointer checkpointer,
    SqliteMaintenance maintenance,
    SqliteDatabaseWriter writer,
    SqliteConnectionFactory connections,
    SqliteDatabaseFileGuard guard,
    IOptionsMonitor<SqliteOptions> live,
    ILogger<SqliteCheckpointService> logger) : BackgroundService
{
    private static readonly TimeSpan OptimizeInterval = TimeSpan.FromHours(1);

    private SqliteOptions Options => connections.Options;

    private bool InWalMode => connections.Mode.JournalMode == SqliteJournalMode.Wal;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.ShutdownTimeout);
        var elapsed = Stopwatch.StartNew();
        try
        {
            if (writer.IsOpen && !guard.Verify(includeWal: true))
            {
                LogShutdownOverLostFile(guard.LostReason!);
            }
            else if (writer.IsOpen)
            {
                if (Options.MaintenanceOnShutdown)
                {
                    await maintenance.RunAsync(full: false, deadline.Token).ConfigureAwait(false);
                }

                if (InWalMode)
                {
                    // A TRUNCATE waits for readers up to busy_timeout; at shutdown, for most of what is
                    // left of the deadline, so that a blocked one is reported before the deadline hits.
                    var left = (Options.ShutdownTimeout - elapsed.Elapsed) * 0.8;
                    var result = await checkpointer.CheckpointAsync(SqliteCheckpointMode.Truncate, deadline.Token, left > TimeSpan.Zero ? left : TimeSpan.Zero).ConfigureAwait(false);
                    if (result.Blocked)
                    {
                        LogShutdownCheckpointIncomplete(result.CheckpointedFrames, result.WalFrames, result.WalBytesAfter);
                    }
                    else
                    {
                        LogShutdownCheckpoint(result.CopiedFrames, result.WalBytesAfter);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException || exception is SqliteException { SqliteErrorCode: SqliteErrorCodes.Interrupt })
        {
            LogShutdownTimedOut(elapsed.Elapsed.TotalMilliseconds);
        }
        catch (SqliteException exception)
        {
            LogShutdownFailed(exception.SqliteErrorCode, exception.Message);
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(live.CurrentValue.WalCheckpointInterval);

        using var reschedule = LivePeriod.Follow(timer, live, next => next.WalCheckpointInterval);
        var sinceOptimize = Stopwatch.StartNew();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!writer.IsOpen || !guard.Verify(includeWal: true))
                {
                    continue;
                }

                if (InWalMode)
                {
                    await CheckpointOnceAsync(stoppingToken).ConfigureAwait(false);
                }

                if (sinceOptimize.Elapsed >= OptimizeInterval)
                {
                    await OptimizeAsync(stoppingToken).ConfigureAwait(false);
                    sinceOptimize.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown; StopAsync takes over.
        }
    }

    private async Task CheckpointOnceAsync(CancellationToken stoppingToken)
    {
        var walBytes = connections.WalSize;
        var mode = walBytes > live.CurrentValue.WalCheckpointTruncateThreshold ? SqliteCheckpointMode.Truncate : SqliteCheckpointMode.Passive;
        try
        {
            var result = await checkpointer.CheckpointAsync(mode, stoppingToken).ConfigureAwait(false);
            if (result.Blocked || result.CheckpointedFrames < result.WalFrames)
            {
                LogCheckpointIncomplete(mode, result.CheckpointedFrames, result.WalFrames, result.WalBytesAfter);
            }
            else
            {
                LogCheckpointCompleted(mode, result.CopiedFrames, walBytes, result.WalBytesAfter, result.Duration.TotalMilliseconds);
            }
        }
        catch (SqliteException exception)
        {
            LogCheckpointFailed(mode, exception.SqliteErrorCode, exception.Message);
        }
        catch (ObjectDisposedException)
        {
            // The writer closed between the check and the checkpoint: shutdown is under way.
        }
    }

    private async Task OptimizeAsync(CancellationToken stoppingToken)
    {
        try
        {
            var elapsed = Stopwatch.StartNew();
            await maintenance.OptimizeAsync(stoppingToken).ConfigureAwait(false);
            LogOptimized(elapsed.Elapsed.TotalMilliseconds);
        }
        catch (SqliteException exception)
        {
            LogCheckpointFailed(SqliteCheckpointMode.Passive, exception.SqliteErrorCode, $"PRAGMA optimize: {exception.Message}");
        }
        catch (ObjectDisposedException)
        {
            // Shutdown under way.
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "periodic-checkpoint completed: mode={Mode} pages_copied={Pages} wal_bytes_before={WalBytesBefore} wal_bytes_after={WalBytesAfter} in {ElapsedMilliseconds:F1} ms")]
    private partial void LogCheckpointCompleted(SqliteCheckpointMode mode, long pages, long walBytesBefore, long walBytesAfter, double elapsedMilliseconds);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "periodic-checkpoint incomplete: mode={Mode} {Checkpointed} of {Frames} WAL frames are in the database file because readers still use older ones; wal_bytes={WalBytes}. A WAL that keeps growing means a long-running reader")]
    private partial void LogCheckpointIncomplete(SqliteCheckpointMode mode, int checkpointed, int frames, long walBytes);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error, Message = "periodic-checkpoint failed: mode={Mode} SQLite error {Code}: {Message}")]
    private partial void LogCheckpointFailed(SqliteCheckpointMode mode, int code, string message);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Information, Message = "shutdown checkpoint completed: pages_copied={Pages}, WAL now {WalBytes} bytes")]
    private partial void LogShutdownCheckpoint(long pages, long walBytes);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "shutdown maintenance and checkpoint stopped after {ElapsedMilliseconds:F0} ms (database.sqlite.shutdown_timeout or the host's shutdown timeout); the database is consistent and is being closed")]
    private partial void LogShutdownTimedOut(double elapsedMilliseconds);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Error, Message = "shutdown checkpoint failed: SQLite error {Code}: {Message}; the database is being closed")]
    private partial void LogShutdownFailed(int code, string message);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Warning, Message = "shutdown checkpoint incomplete: {Checkpointed} of {Frames} WAL frames are in the database file because readers still use older ones; WAL stays at {WalBytes} bytes and the next start recovers it")]
    private partial void LogShutdownCheckpointIncomplete(int checkpointed, int frames, long walBytes);

    [LoggerMessage(EventId = 3028, Level = LogLevel.Error, Message = "shutdown is not clean: {Reason}. No maintenance and no checkpoint run on a file that is gone; the writer saves what it still has open as it closes, and the host exits with an error")]
    private partial void LogShutdownOverLostFile(string reason);

    [LoggerMessage(EventId = 3027, Level = LogLevel.Information, Message = "periodic optimize completed in {ElapsedMilliseconds:F0} ms")]
    private partial void LogOptimized(double elapsedMilliseconds);
}
