using System.Diagnostics;
using Compozy.Data.Configuration;
using Compozy.Data.Health;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Startup;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Integrity;

/// <summary>
/// Periodic integrity checks in <c>compozy start</c>: every
/// <c>database.sqlite.integrity_check_interval</c> (it follows a configuration reload; the first one an interval after the start,
/// the startup check having just run), <c>PRAGMA quick_check</c> on a connection of its own that
/// only reads. In WAL mode a reader does not hold up the writer, so writes go on while it runs.
/// Each check is counted by result and timed; a sound one is logged as
/// <c>periodic quick_check passed</c>. Damage is logged as an error with the file and the first
/// problems, and reported as a <see cref="DatabaseFault"/>: readiness goes down with the reason,
/// and <c>compozy start</c> exits with an error when it is stopped. The host is not stopped and
/// writes are not refused: damage in one table leaves the rest readable and writable, and an
/// operator decides when to restore.
/// </summary>
/// <remarks>
/// A connection of its own, opened for each check, so that every page is read from the file
/// and none from a page cache that predates the damage. In DELETE mode (the network filesystem
/// fallback, or <c>journal_mode: DELETE</c>) a reader's lock would hold every commit up for the
/// whole check, so no check runs there, and the start says so.
/// </remarks>
internal sealed partial class SqliteIntegrityCheckService(
    SqliteConnectionFactory connections,
    SqliteDatabaseFileGuard guard,
    SqliteMetrics metrics,
    DatabaseFault fault,
    DatabaseInitializer initializer,
    TimeProvider clock,
    IOptionsMonitor<SqliteOptions> live,
    ILogger<SqliteIntegrityCheckService> logger) : BackgroundService
{
    // The first problems are enough to locate the damage; the full list is for the sqlite3 shell.
    private const int MaxProblems = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = connections.Options;
        var interval = options.IntegrityCheckInterval!.Value;
        var mode = connections.Mode;
        if (mode.JournalMode != SqliteJournalMode.Wal || mode.ExclusiveLocking)
        {
            LogNotInWal(options.Path, mode.JournalMode.ToString().ToUpperInvariant());
            return;
        }

        // The timer exists before the line is logged, so whoever reads the line knows the
        // schedule is running (the tests advance a fake clock on it).
        using var timer = new PeriodicTimer(interval, clock);

        using var reschedule = LivePeriod.Follow(timer, live, next => next.IntegrityCheckInterval);
        LogScheduled(interval.TotalSeconds, options.Path);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Before initialization has finished, the startup check and the migrations own the
                // file; a lost file is the guard's to report.
                if (initializer.IsInitialized && guard.Verify(includeWal: true) && File.Exists(options.Path))
                {
                    await CheckOnceAsync(options, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: a check under way is interrupted; it only read.
        }
    }

    private async Task CheckOnceAsync(SqliteOptions options, CancellationToken stoppingToken)
    {
        var elapsed = Stopwatch.StartNew();
        IReadOnlyList<string> messages;
        try
        {
            messages = await Task.Run(
                () => SqliteInspectionConnection.CheckIntegrity(options.Path, options.BusyTimeout, full: false, MaxProblems, stoppingToken),
                stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            metrics.RecordIntegrityCheck("error", elapsed.Elapsed);
            LogFailed(options.Path, exception.Message);
            return;
        }

        if (messages is ["ok"])
        {
            metrics.RecordIntegrityCheck("ok", elapsed.Elapsed);
            var bytes = new FileInfo(options.Path).Length;
            LogPassed(elapsed.Elapsed.TotalMilliseconds, bytes);
            return;
        }

        metrics.RecordIntegrityCheck("damaged", elapsed.Elapsed);
        var problems = string.Join("; ", messages.SelectMany(message => message.Split('\n')));
        LogDamaged(options.Path, problems);
        fault.Report(
            $"the periodic quick_check found damage in the SQLite database {options.Path}: {problems}. " +
            "A running host cannot swap its file safely, so it does not recover by itself: stop it, then run compozy db recover " +
            "(it keeps the damaged files aside and restores the newest verified backup), or salvage what is readable with the sqlite3 shell's .recover command");
    }

    [LoggerMessage(EventId = 3070, Level = LogLevel.Information, Message = "periodic quick_check every {IntervalSeconds:F0} s on {Path}")]
    private partial void LogScheduled(double intervalSeconds, string path);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Information, Message = "periodic quick_check passed in {ElapsedMilliseconds:F0} ms ({Bytes} bytes)")]
    private partial void LogPassed(double elapsedMilliseconds, long bytes);

    [LoggerMessage(EventId = 3072, Level = LogLevel.Error, Message = "periodic quick_check found damage in {Path}: {Problems}. /readyz reports unready and the host will exit with an error when it stops; stop it and run compozy db recover to restore the newest verified backup (docs/operations/troubleshooting.md)")]
    private partial void LogDamaged(string path, string problems);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Warning, Message = "periodic quick_check of {Path} could not run: {Error}; the next interval tries again")]
    private partial void LogFailed(string path, string error);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Warning, Message = "integrity_check_interval is set, but {Path} is in journal mode {JournalMode}, where a check would hold every write up until it ends: no periodic checks run")]
    private partial void LogNotInWal(string path, string journalMode);
}
