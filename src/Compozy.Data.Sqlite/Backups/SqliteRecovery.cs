using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Backups;

/// <summary>
/// Recovery of a damaged SQLite database from its newest verified backup, for
/// <c>compozy db recover</c> and, with <c>database.sqlite.recover_on_start</c>, for the startup check.
/// </summary>
/// <remarks>
/// <para>Everything happens while this process holds the database alone
/// (<see cref="SqliteWriterLock.TryTakeDatabase"/>), so no host writes to the file between the
/// check that finds it damaged and its replacement. A backup is chosen newest first (by the UTC
/// time in its name) among the files of the backup directory named after the database, and must
/// pass what a restore checks (<c>integrity_check</c>, the tables of a Compozy database) and
/// hold no migration newer than this build's.</para>
/// <para>The damaged file keeps its bytes: it gets a second name, <c>&lt;db&gt;.damaged-&lt;UTC time&gt;</c>
/// (a hard link, as a restore keeps the file it replaces), and its <c>-wal</c>, <c>-journal</c>
/// and <c>-shm</c> are renamed to go with it, never over an existing file, so it can be opened
/// later with every write it committed. Nothing read from it goes into the restored file: a row
/// read from a damaged database cannot be proven right, so the writes made since the backup are
/// reported as lost rather than replayed.</para>
/// </remarks>
internal sealed partial class SqliteRecovery(
    SqliteConnectionFactory connections,
    SqliteBackup backup,
    SqliteDatabaseWriter writer,
    SqliteIdleReadConnections idleReaders,
    IDbContextFactory<CompozyDbContext> contexts,
    TimeProvider clock,
    ILogger<SqliteRecovery> logger) : IDatabaseRecovery
{
    private const string DamagedInfix = ".damaged-";
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const int ProblemsShown = 3;

    public string? UnsupportedReason => connections.Options.IsInMemory
        ? "the database is :memory: (it lives and dies with the host's process, and there is no file to recover); configure database.path as a file"
        : null;

    private SqliteDatabaseFiles Files => connections.Files!;

    private TimeSpan BusyTimeout => connections.Options.BusyTimeout;

    public async Task<DatabaseReport> RecoverAsync(DatabaseRecoveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (UnsupportedReason is { } reason)
        {
            throw new DatabaseOperationNotSupportedException($"compozy db recover: {reason}");
        }

        if (!File.Exists(Files.Database))
        {
            throw new BackupInputException(
                $"there is no database at {Files.Database} (database.path) to recover; a missing database is put back with compozy db restore FILE; nothing was changed");
        }

        var chosen = request.BackupFile is { } file ? backup.CheckRestoreSource(file) : null;
        using var taken = TakeDatabase();
        var problems = await Task.Run(() => SqliteInspectionConnection.CheckIntegrity(Files.Database, BusyTimeout, full: true, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (problems is ["ok"])
        {
            throw new DatabaseNotDamagedException(
                $"{Files.Database} passed integrity_check: there is no damage to recover from, and nothing was changed. " +
                "To go back to a backup anyway, use compozy db restore FILE, which keeps the replaced database");
        }

        return await RecoverTakenAsync(problems, chosen, request.DryRun, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The startup check's recovery: <paramref name="problems"/> are what its check found. Same
    /// as <see cref="RecoverAsync"/> without a given backup, in the process that is starting, before
    /// its writer opens.
    /// </summary>
    public async Task<DatabaseReport> RecoverDamagedAsync(IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        using var taken = TakeDatabase();
        return await RecoverTakenAsync(problems, null, dryRun: false, cancellationToken).ConfigureAwait(false);
    }

    private IDisposable TakeDatabase()
    {
        // Record locks never conflict inside one process, and closing the descriptor this takes
        // would drop the writer's own lock: recovery happens before this process writes, or not at all.
        if (writer.IsOpen)
        {
            throw new InvalidOperationException($"{Files.Database} is open for writing in this process; a recovery runs before the writer opens it");
        }

        return SqliteWriterLock.TryTakeDatabase(Files) ?? throw new DatabaseInUseException(
            $"{Files.Database} is in use: a compozy process (compozy start, migrate or db maintenance) has it open and holds {Files.WriterLock}. " +
            "Stop it (a host stops on SIGTERM or Ctrl-C) and run compozy db recover again; nothing was changed");
    }

    private async Task<DatabaseReport> RecoverTakenAsync(IReadOnlyList<string> problems, string? given, bool dryRun, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var damage = string.Join("; ", problems.SelectMany(problem => problem.Split('\n')).Take(ProblemsShown));
        var (source, migrations, skipped) = await Task.Run(() => ChooseBackup(given, damage, problems), cancellationToken).ConfigureAwait(false);
        var backupTime = Milliseconds(BackupTime(source));
        // An empty -wal or -journal is left by readers (db status, this recovery's own check) and holds no write.
        var lastModified = new[] { Files.Database, Files.Wal, Files.Journal }
            .Where(path => path == Files.Database || (File.Exists(path) && new FileInfo(path).Length > 0))
            .Max(path => new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
        var newestUpdate = await Task.Run(NewestReadableUpdate, cancellationToken).ConfigureAwait(false);
        var lostUntil = Milliseconds(newestUpdate is { } newest && newest > lastModified ? newest : lastModified);
        var keepInfix = DamagedInfix + SqliteBackup.Stamp(clock.GetUtcNow());
        var movedAside = Files.Database + keepInfix;
        var companions = new[] { Files.Wal, Files.Journal, Files.Shm }.Where(File.Exists).Select(path => movedAside + path[Files.Database.Length..]).ToList();
        if (!dryRun)
        {
            var (replaced, moved) = await backup.ReplaceDatabaseAsync(source, keepInfix, keepShm: true, cancellationToken).ConfigureAwait(false);
            movedAside = replaced!;
            companions = moved;

            // An idle read connection of this process would still read the damaged file.
            idleReaders.CloseAll();
            SqliteConnection.ClearAllPools();
            LogRecovered(Files.Database, damage, source, Format(backupTime), Format(lostUntil), movedAside);
        }

        return new DatabaseReport(
        [
            new("database", Files.Database),
            new("damage", damage),
            new("backup", source),
            new("backup_time", Format(backupTime)),
            new("backups_skipped", skipped.Count == 0 ? null : string.Join("; ", skipped)),
            new("damaged_last_modified", Format(lastModified)),
            new("damaged_newest_updated_at", newestUpdate is { } value ? Format(value) : null),
            new("lost_from", Format(backupTime)),
            new("lost_until", Format(lostUntil)),
            new("lost_seconds", lostUntil > backupTime ? Math.Round((lostUntil - backupTime).TotalSeconds, 3) : 0d),
            new("moved_aside", movedAside),
            new("moved_aside_companions", companions.Count == 0 ? null : string.Join(", ", companions)),
            new("integrity", dryRun ? "not checked (dry run)" : "ok"),
            new("migrations_applied", migrations),
            new("dry_run", dryRun),
            new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
        ]);
    }

    /// <summary>The given backup, or the newest of the backup directory that passes verification, with the migrations it holds and why newer ones were skipped.</summary>
    private (string Source, long Migrations, List<string> Skipped) ChooseBackup(string? given, string damage, IReadOnlyList<string> problems)
    {
        var skipped = new List<string>();
        if (given is not null)
        {
            // A file the operator named that is not a Compozy backup is a usage mistake
            // (BackupInputException, from Verify); one that is damaged is damage.
            var (integrity, migrations) = backup.Verify(given, requireCompozy: true);
            if (integrity is not ["ok"])
            {
                throw new DatabaseIntegrityException(
                    $"{Files.Database} is damaged ({damage}), and the backup {given} (--backup) failed integrity_check ({string.Join("; ", integrity.Take(ProblemsShown))}); nothing was changed",
                    problems);
            }

            var newer = NewerMigrations(given);
            return newer.Count == 0
                ? (given, migrations, skipped)
                : throw new BackupInputException(
                    $"--backup: {given} holds migrations this build does not know ({string.Join(", ", newer)}): it comes from a newer build; allowed: a backup of this build's schema or an older one; nothing was changed");
        }

        var directory = backup.BackupDirectory;
        foreach (var candidate in Candidates(directory))
        {
            var refusal = Refusal(candidate, out var migrations);
            if (refusal is null)
            {
                return (candidate, migrations, skipped);
            }

            skipped.Add($"{Path.GetFileName(candidate)} {refusal}");
            LogBackupSkipped(candidate, refusal);
        }

        throw new DatabaseIntegrityException(
            $"{Files.Database} is damaged ({damage}), and no verified backup was found in {directory} (database.sqlite.backup.dir): " +
            (skipped.Count == 0 ? $"it holds no backup of this database ({Path.GetFileNameWithoutExtension(Files.Database)}.<label>-<UTC time>.db)" : $"none passed verification: {string.Join("; ", skipped)}") +
            ". Nothing was changed. Give a backup with --backup FILE, or salvage what is readable with the sqlite3 shell's .recover command",
            problems);
    }

    /// <summary>Why <paramref name="path"/> cannot be restored, or <see langword="null"/> when it passed every check.</summary>
    private string? Refusal(string path, out long migrations)
    {
        migrations = 0;
        try
        {
            var (integrity, applied) = backup.Verify(path, requireCompozy: true);
            if (integrity is not ["ok"])
            {
                return $"failed integrity_check ({string.Join("; ", integrity.Take(ProblemsShown))})";
            }

            var newer = NewerMigrations(path);
            if (newer.Count > 0)
            {
                return $"holds migrations this build does not know ({string.Join(", ", newer)}): it comes from a newer build";
            }

            migrations = applied;
            return null;
        }
        catch (BackupInputException exception)
        {
            return $"is not a Compozy database ({exception.Message})";
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({exception.Message})";
        }
    }

    /// <summary>The backups of this database in <paramref name="directory"/>, newest first by the UTC time in their names.</summary>
    private List<string> Candidates(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var stem = Path.GetFileNameWithoutExtension(Files.Database);
        return Directory.EnumerateFiles(directory, $"{stem}.*.db")
            .Select(path => (Path: path, Stamp: StampOf(path)))
            .Where(candidate => candidate.Stamp is not null && Path.GetFileName(candidate.Path).StartsWith(stem + ".", StringComparison.Ordinal))
            .OrderByDescending(candidate => candidate.Stamp!.Value)
            .ThenByDescending(candidate => candidate.Path, StringComparer.Ordinal)
            .Select(candidate => candidate.Path)
            .ToList();
    }

    /// <summary>The migrations of <paramref name="path"/>'s history that sort after every one this build has: a newer build's.</summary>
    private List<string> NewerMigrations(string path)
    {
        using var context = contexts.CreateDbContext();
        var known = context.GetService<IMigrationsAssembly>().Migrations.Keys.ToHashSet(StringComparer.Ordinal);
        var newest = known.Max(StringComparer.Ordinal);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"MigrationId\" FROM \"{MigrationHistory.TableName}\";";
        var newer = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (!known.Contains(id) && string.CompareOrdinal(id, newest) > 0)
            {
                newer.Add(id);
            }
        }

        return newer;
    }

    /// <summary>
    /// The newest <c>updated_at</c> of any table of the damaged database that can still be read,
    /// with its WAL; <see langword="null"/> when none can. Reads only, and never checkpoints.
    /// </summary>
    private DateTimeOffset? NewestReadableUpdate()
    {
        try
        {
            using var connection = SqliteInspectionConnection.Open(Files.Database, BusyTimeout);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT m.name FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS c WHERE m.type = 'table' AND c.name = 'updated_at';";
            var tables = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            DateTimeOffset? newest = null;
            foreach (var table in tables)
            {
                try
                {
                    command.CommandText = $"SELECT max(updated_at) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
                    if (command.ExecuteScalar() is string text
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                        && (newest is null || value > newest))
                    {
                        newest = value;
                    }
                }
                catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Corrupt or SqliteErrorCodes.NotADatabase)
                {
                    // A table whose pages cannot be read says nothing about its newest write.
                }
            }

            return newest;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteErrorCodes.Corrupt or SqliteErrorCodes.NotADatabase)
        {
            return null;
        }
    }

    private static DateTimeOffset BackupTime(string path) =>
        StampOf(path) ?? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);

    /// <summary>The UTC time a backup's name carries (when its copy began), or <see langword="null"/> for another name.</summary>
    private static DateTimeOffset? StampOf(string path) =>
        StampPattern().Match(Path.GetFileName(path)) is { Success: true } match
        && DateTimeOffset.TryParseExact(match.Groups[1].Value, SqliteBackup.StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    // The report's times are to the millisecond, and its window is computed from them.
    private static DateTimeOffset Milliseconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\.[a-z0-9-]+-(\d{8}T\d{6}\.\d{3}Z)\.db$", RegexOptions.CultureInvariant)]
    private static partial Regex StampPattern();

    [LoggerMessage(EventId = 3080, Level = LogLevel.Warning, Message = "recovery completed: {Database} was damaged ({Damage}) and is now the verified backup {Source} taken at {BackupTime}; writes made from then until {LostUntil} are lost; the damaged files were kept untouched as {MovedAside}")]
    private partial void LogRecovered(string database, string damage, string source, string backupTime, string lostUntil, string movedAside);

    [LoggerMessage(EventId = 3081, Level = LogLevel.Warning, Message = "recovery skipped the backup {Path}: it {Reason}")]
    private partial void LogBackupSkipped(string path, string reason);
}
