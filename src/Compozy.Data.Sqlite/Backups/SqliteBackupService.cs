using Compozy.Data.Audit;
using Compozy.Data.Configuration;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Backups;

/// <summary>
/// Scheduled backups in <c>compozy start</c>: every <c>database.sqlite.backup.interval</c> (it and
/// <c>backup.keep</c> follow a configuration reload), a
/// verified online backup into <c>backup.dir</c>, then rotation down to the <c>backup.keep</c>
/// newest scheduled backups (files with other names, such as the backups <c>migrate up</c> takes,
/// are never deleted). Each one is logged with its size, duration and check; a failure is logged
/// as an error and the next interval tries again. At start the newest backup already in the
/// directory sets the age metric, so the age does not restart from nothing with each host.
/// </summary>
internal sealed partial class SqliteBackupService(
    SqliteBackup backup,
    IAuditLog audit,
    SqliteMetrics metrics,
    IOptions<SqliteOptions> options,
    IOptionsMonitor<SqliteOptions> live,
    ILogger<SqliteBackupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.BackupInterval!.Value;
        var directory = backup.BackupDirectory;
        if (backup.ListBackups(directory, SqliteBackup.ScheduledLabel) is [.., var newest])
        {
            metrics.ObserveLastGoodBackup(File.GetLastWriteTimeUtc(newest));
        }

        LogScheduled(interval.TotalSeconds, directory, options.Value.BackupKeep);
        using var timer = new PeriodicTimer(interval);

        using var reschedule = LivePeriod.Follow(timer, live, next => next.BackupInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await BackupOnceAsync(directory, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: a backup cut short leaves only its hidden .partial file, which is deleted.
        }
    }

    private async Task BackupOnceAsync(string directory, CancellationToken stoppingToken)
    {
        DatabaseReport report;
        try
        {
            report = await audit.RunAsync(
                AuditActors.System,
                AuditActions.DatabaseBackup,
                directory,
                token => backup.BackupAsync(new DatabaseBackupRequest { Destination = null, Label = SqliteBackup.ScheduledLabel }, token),
                done => new AuditDescription(
                    (string?)done["path"],
                    new Dictionary<string, string> { ["bytes"] = Convert.ToString(done["bytes"], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, ["scheduled"] = "true" }),
                stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException or DatabaseIntegrityException or BackupInputException)
        {
            LogFailed(directory, exception.Message);
            return;
        }

        var deleted = Rotate(directory);
        LogCompleted((string)report["path"]!, (long)report["bytes"]!, (double)report["duration_ms"]!, deleted.Count, deleted.Count == 0 ? "-" : string.Join(", ", deleted.Select(Path.GetFileName)));
    }

    private List<string> Rotate(string directory)
    {
        var backups = backup.ListBackups(directory, SqliteBackup.ScheduledLabel);
        var deleted = new List<string>();
        foreach (var old in backups.Take(Math.Max(0, backups.Count - live.CurrentValue.BackupKeep)))
        {
            try
            {
                File.Delete(old);
                deleted.Add(old);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogRotationFailed(old, exception.Message);
            }
        }

        return deleted;
    }

    [LoggerMessage(EventId = 3062, Level = LogLevel.Information, Message = "scheduled backups every {IntervalSeconds:F0} s into {Directory}, keeping the {Keep} newest")]
    private partial void LogScheduled(double intervalSeconds, string directory, int keep);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Information, Message = "scheduled backup completed: {Path} bytes={Bytes} duration_ms={DurationMilliseconds:F0} verification=integrity_check ok; rotation deleted {DeletedCount}: {Deleted}")]
    private partial void LogCompleted(string path, long bytes, double durationMilliseconds, int deletedCount, string deleted);

    [LoggerMessage(EventId = 3064, Level = LogLevel.Error, Message = "scheduled backup failed: {Error}; no file was added to {Directory}, and the next interval tries again")]
    private partial void LogFailed(string directory, string error);

    [LoggerMessage(EventId = 3065, Level = LogLevel.Warning, Message = "backup rotation could not delete {Path}: {Error}")]
    private partial void LogRotationFailed(string path, string error);
}
