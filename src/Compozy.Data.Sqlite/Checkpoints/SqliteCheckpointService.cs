using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Operations;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>
/// Keeps the WAL bounded while the host runs, and closes the database cleanly when it stops.
/// Every <c>wal_checkpoint_interval</c> it checkpoints on the writer: PASSIVE, or TRUNCATE once
/// the WAL passes <c>wal_checkpoint_truncate_threshold</c>, logging
/// <c>periodic-checkpoint completed</c>; a checkpoint that readers kept from finishing is logged
/// as a warning. On shutdown it runs maintenance (if <c>maintenance_on_shutdown</c>), a final
/// TRUNCATE checkpoint and <c>PRAGMA optimize</c>, all within <c>shutdown_timeout</c>, and then
/// closes the writer whatever happened.
/// </summary>
internal sealed partial class SqliteCheckpointService(
    SqliteCheckpointer checkpointer,
    SqliteMaintenance maintenance,
    SqliteDatabaseWriter writer,
    SqliteConnectionFactory connections,
    ILogger<SqliteCheckpointService> logger) : BackgroundService
{
    private SqliteOptions Options => connections.Options;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(Options.ShutdownTimeout);
        try
        {
            if (writer.IsOpen && connections.Mode.JournalMode == SqliteJournalMode.Wal)
            {
                if (Options.MaintenanceOnShutdown)
                {
                    await maintenance.RunAsync(full: false, deadline.Token).ConfigureAwait(false);
                }

                var result = await checkpointer.CheckpointAsync(SqliteCheckpointMode.Truncate, deadline.Token).ConfigureAwait(false);
                LogShutdownCheckpoint(result.CheckpointedFrames, result.WalFrames, result.WalBytesAfter);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException || exception is SqliteException { SqliteErrorCode: SqliteErrorCodes.Interrupt })
        {
            LogShutdownTimedOut(Options.ShutdownTimeout.TotalMilliseconds);
        }
        catch (SqliteException exception)
        {
            LogShutdownFailed(exception.SqliteErrorCode, exception.Message);
        }
        finally
        {
            writer.Close();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Options.WalCheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckpointOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown; StopAsync takes over.
        }
    }

    private async Task CheckpointOnceAsync(CancellationToken stoppingToken)
    {
        if (!writer.IsOpen || connections.Mode.JournalMode != SqliteJournalMode.Wal)
        {
            return;
        }

        var walBytes = connections.WalSize;
        var mode = walBytes > Options.WalCheckpointTruncateThreshold ? SqliteCheckpointMode.Truncate : SqliteCheckpointMode.Passive;
        try
        {
            var result = await checkpointer.CheckpointAsync(mode, stoppingToken).ConfigureAwait(false);
            if (result.Blocked || result.CheckpointedFrames < result.WalFrames)
            {
                LogCheckpointIncomplete(mode, result.CheckpointedFrames, result.WalFrames, result.WalBytesAfter);
            }
            else
            {
                LogCheckpointCompleted(mode, result.CheckpointedFrames, walBytes, result.WalBytesAfter, result.Duration.TotalMilliseconds);
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

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "periodic-checkpoint completed: mode={Mode} pages={Pages} wal_bytes_before={WalBytesBefore} wal_bytes_after={WalBytesAfter} in {ElapsedMilliseconds:F1} ms")]
    private partial void LogCheckpointCompleted(SqliteCheckpointMode mode, int pages, long walBytesBefore, long walBytesAfter, double elapsedMilliseconds);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "periodic-checkpoint incomplete: mode={Mode} copied {Pages} of {Frames} WAL frames because readers still use older ones; wal_bytes={WalBytes}. A WAL that keeps growing means a long-running reader")]
    private partial void LogCheckpointIncomplete(SqliteCheckpointMode mode, int pages, int frames, long walBytes);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error, Message = "periodic-checkpoint failed: mode={Mode} SQLite error {Code}: {Message}")]
    private partial void LogCheckpointFailed(SqliteCheckpointMode mode, int code, string message);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Information, Message = "shutdown checkpoint completed: {Pages} of {Frames} WAL frames written, WAL now {WalBytes} bytes")]
    private partial void LogShutdownCheckpoint(int pages, int frames, long walBytes);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "shutdown maintenance and checkpoint stopped after {TimeoutMilliseconds:F0} ms (database.sqlite.shutdown_timeout); the database is consistent and is being closed")]
    private partial void LogShutdownTimedOut(double timeoutMilliseconds);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Error, Message = "shutdown checkpoint failed: SQLite error {Code}: {Message}; the database is being closed")]
    private partial void LogShutdownFailed(int code, string message);
}
