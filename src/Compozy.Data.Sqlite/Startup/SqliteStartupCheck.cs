using System.Diagnostics;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Backups;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Startup;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Startup;

/// <summary>
/// What <c>compozy start</c> does to a SQLite file before serving: probe the filesystem, check
/// that the files can be read, refuse a missing database that leftovers show existed, notice a
/// WAL left by a crash, check integrity, then fold the WAL back into the database. A WAL that a
/// process still using the database keeps (a running host next to <c>compozy auth bootstrap</c>,
/// say) is not residue: it is named as such and left to that process. Its log lines
/// are the phrases operators grep for: <c>startup detected WAL residue</c>,
/// <c>startup quick_check passed</c> (or <c>startup integrity_check passed</c>) and
/// <c>startup-recovery checkpoint completed</c>.
/// </summary>
/// <remarks>
/// The integrity check runs before anything writes: on a damaged file the start stops with the
/// first problems and the file is left byte for byte as it was. Only a sound database gets the
/// recovery checkpoint.
/// </remarks>
internal sealed partial class SqliteStartupCheck(
    SqliteConnectionFactory connections,
    SqliteCheckpointer checkpointer,
    SqliteRecovery recovery,
    ILogger<SqliteStartupCheck> logger) : IDatabaseStartupCheck
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = connections.Options;
        if (options.IsInMemory)
        {
            return;
        }

        var mode = connections.Mode;
        connections.EnsureReadable();
        if (!File.Exists(options.Path))
        {
            SqliteMissingDatabase.ThrowIfExpected(connections.Files!);
            LogNewDatabase(options.Path);
            return;
        }

        if (new FileInfo(options.Path).Length == 0)
        {
            LogNewDatabase(options.Path);
            return;
        }

        var walSize = connections.WalSize;
        var otherUsers = SqliteDatabaseUsers.OtherProcesses(connections.Files!);
        var inUse = otherUsers is { Count: > 0 };
        if (inUse)
        {
            // A running host (or another command) keeps its WAL until it checkpoints: that is its
            // work in progress, not residue, and its own checkpoints fold it back.
            LogInUse(options.Path, otherUsers!, walSize);
        }
        else if (walSize > 0)
        {
            LogWalResidue(walSize, connections.WalPath!);
        }

        if (options.IntegrityCheckOnStartup != IntegrityCheckLevel.Off)
        {
            var full = options.IntegrityCheckOnStartup == IntegrityCheckLevel.Full;
            var check = full ? "integrity_check" : "quick_check";
            var elapsed = Stopwatch.StartNew();
            var messages = await Task.Run(() => SqliteInspectionConnection.CheckIntegrity(options.Path, options.BusyTimeout, full), cancellationToken).ConfigureAwait(false);
            if (messages is not ["ok"])
            {
                var found = $"startup {check} failed for {options.Path}; the file was not modified. First problems:\n  {string.Join("\n  ", messages.SelectMany(message => message.Split('\n')))}\n";
                if (!options.RecoverOnStart)
                {
                    throw new DatabaseIntegrityException(
                        found +
                        "Recover it from its newest verified backup with compozy db recover (or set database.sqlite.recover_on_start: true to let the start do it), " +
                        "or salvage what is readable with the sqlite3 shell's .recover command, then start again.",
                        messages);
                }

                await RecoverAsync(found, messages, cancellationToken).ConfigureAwait(false);
                return;
            }

            LogIntegrityPassed(check, elapsed.Elapsed.TotalMilliseconds);
        }

        if (walSize > 0 && !inUse && mode.JournalMode == SqliteJournalMode.Wal)
        {
            var result = await checkpointer.CheckpointAsync(SqliteCheckpointMode.Truncate, cancellationToken).ConfigureAwait(false);
            if (result.Blocked)
            {
                LogRecoveryBlocked(result.CheckpointedFrames, result.WalFrames, result.WalBytesAfter);
            }
            else
            {
                LogRecoveryCheckpoint(result.CopiedFrames, result.WalBytesAfter, result.Duration.TotalMilliseconds);
            }
        }
    }

    /// <summary>
    /// <c>recover_on_start</c>: the damaged files are kept aside and the newest verified backup
    /// takes their place, as <c>compozy db recover</c> does. The restored file is a checked backup
    /// without a WAL, so nothing is left to fold back.
    /// </summary>
    private async Task RecoverAsync(string found, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        LogRecovering(connections.Options.Path);
        DatabaseReport report;
        try
        {
            report = await recovery.RecoverDamagedAsync(messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DatabaseIntegrityException or DatabaseInUseException or BackupInputException or IOException or UnauthorizedAccessException)
        {
            throw new DatabaseIntegrityException(
                found + $"database.sqlite.recover_on_start is true, but the start could not recover it: {exception.Message}. " +
                "Fix that and run compozy db recover, or salvage what is readable with the sqlite3 shell's .recover command, then start again.",
                messages);
        }

        LogRecoveredAtStart(
            connections.Options.Path,
            (string)report["backup"]!,
            (string)report["lost_from"]!,
            (string)report["lost_until"]!,
            (string)report["moved_aside"]!,
            (string?)report["moved_aside_companions"] ?? "-",
            (string?)report["damaged_newest_updated_at"] ?? "unreadable");
    }

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "startup: {Path} is damaged and database.sqlite.recover_on_start is true: recovering it from its newest verified backup")]
    private partial void LogRecovering(string path);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "startup recovered {Path} from the backup {Backup}: writes made between {LostFrom} and {LostUntil} are lost (newest updated_at still readable in the damaged file: {NewestUpdatedAt}); the damaged file is kept untouched as {MovedAside} (companions: {Companions})")]
    private partial void LogRecoveredAtStart(string path, string backup, string lostFrom, string lostUntil, string movedAside, string companions, string newestUpdatedAt);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "startup: {Path} is a new database; nothing to check or recover")]
    private partial void LogNewDatabase(string path);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "startup detected WAL residue: {WalBytes} bytes in {WalPath} (left by a process that did not shut down cleanly, or by another process using the file)")]
    private partial void LogWalResidue(long walBytes, string walPath);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "startup: {Path} is open in another process (pid {Pids}); its WAL ({WalBytes} bytes) is that process's work in progress, so no recovery checkpoint runs")]
    private partial void LogInUse(string path, IReadOnlyList<int> pids, long walBytes);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "startup {Check} passed in {ElapsedMilliseconds:F0} ms")]
    private partial void LogIntegrityPassed(string check, double elapsedMilliseconds);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "startup-recovery checkpoint completed: pages_copied={Pages}, WAL now {WalBytes} bytes, in {ElapsedMilliseconds:F0} ms")]
    private partial void LogRecoveryCheckpoint(long pages, long walBytes, double elapsedMilliseconds);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "startup-recovery checkpoint incomplete: {Checkpointed} of {Frames} WAL frames are in the database file because another process is reading; the WAL ({WalBytes} bytes) stays readable and the periodic checkpoints finish the job")]
    private partial void LogRecoveryBlocked(int checkpointed, int frames, long walBytes);
}
