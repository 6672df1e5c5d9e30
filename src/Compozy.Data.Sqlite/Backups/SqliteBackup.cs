using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Files;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.Diagnostics;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Sqlite.Backups;

/// <summary>
/// Online backup and restore of the SQLite database file.
/// </summary>
/// <remarks>
/// <para>A backup is <c>VACUUM INTO</c> on a connection of its own: one read transaction, so one
/// consistent snapshot that holds every write committed before it began, while the writer goes on
/// (WAL readers never wait for it, and it never takes the writer lock). The copy is written
/// owner-only under a hidden <c>.partial</c> name in the target directory, passes
/// <c>integrity_check</c>, is flushed to disk, and only then is renamed to its final name, so a
/// file under a backup's name is always complete and checked. It leaves free pages out and is a
/// rollback-journal file, which a host turns back into WAL when it opens it.</para>
/// <para>A restore checks the backup first (<c>integrity_check</c>, and the tables of a Compozy
/// database), takes the database from every other process (<see cref="SqliteWriterLock.TryTakeDatabase"/>),
/// copies the backup beside the database, checks and flushes that copy, keeps the replaced file
/// under a second name (a hard link, so the path never lacks a database), moves its
/// <c>-wal</c> and <c>-journal</c> aside with it and deletes its <c>-shm</c> (a log of the old
/// file replayed over the restored one would damage it), and renames the copy over the
/// database.</para>
/// <para>With the network filesystem fallback (<c>locking_mode</c> EXCLUSIVE) no other connection
/// can read the file while this process's writer is open, so the copy is then made on the writer
/// connection itself, in its turn: writes wait for it.</para>
/// </remarks>
internal sealed partial class SqliteBackup(
    SqliteConnectionFactory connections,
    SqliteDatabaseWriter writer,
    SqliteMetrics metrics,
    ILogger<SqliteBackup> logger) : IDatabaseBackup
{
    /// <summary>The label of scheduled and on-demand backups, the only ones rotation deletes.</summary>
    public const string ScheduledLabel = "backup";

    private const string Extension = ".db";
    private const string ReplacedInfix = ".replaced-";

    /// <summary>The UTC time in the names of backups and of kept files; it sorts by time.</summary>
    internal const string StampFormat = "yyyyMMdd'T'HHmmss'.'fff'Z'";
    private const string EfMigrationLockTable = "__EFMigrationsLock";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private static readonly string[] CompozyTables = [MigrationHistory.TableName, "workflow_states", "task_states"];

    public string? UnsupportedReason => connections.Options.IsInMemory
        ? "the database is :memory: (it lives and dies with the host's process, and there is no file to copy); configure database.path as a file to back it up"
        : null;

    private SqliteDatabaseFiles Files => connections.Files!;

    private TimeSpan BusyTimeout => connections.Options.BusyTimeout;

    /// <summary>The directory of backups without an explicit destination.</summary>
    public string BackupDirectory => connections.Options.BackupDirectory is { Length: > 0 } configured
        ? configured
        : Path.Combine(Files.Directory, "backups");

    /// <summary>The backups <paramref name="label"/> names in <paramref name="directory"/>, oldest first (the stamp sorts by time).</summary>
    public IReadOnlyList<string> ListBackups(string directory, string label)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, $"{Stem}.{label}-*{Extension}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private string Stem => Path.GetFileNameWithoutExtension(Files.Database);

    public Task<bool> HoldsDataAsync(CancellationToken cancellationToken)
    {
        if (UnsupportedReason is not null || !File.Exists(Files.Database) || new FileInfo(Files.Database).Length == 0)
        {
            return Task.FromResult(false);
        }

        using var connection = SqliteInspectionConnection.Open(Files.Database, BusyTimeout);
        using var command = connection.CreateCommand();
        // SQLite's own tables, the history and EF's migration lock table hold nothing to lose.
        command.CommandText = $"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('{MigrationHistory.TableName}', '{EfMigrationLockTable}')";
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0);
    }

    public async Task<DatabaseReport> BackupAsync(DatabaseBackupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Label.Length == 0 || !request.Label.All(character => char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '-'))
        {
            throw new ArgumentException($"a backup label is lower-case letters, digits and '-'; \"{request.Label}\" is not", nameof(request));
        }

        if (UnsupportedReason is { } reason)
        {
            throw new DatabaseOperationNotSupportedException($"compozy db backup: {reason}");
        }

        if (!File.Exists(Files.Database))
        {
            throw new BackupInputException($"there is no database at {Files.Database} (database.path) to back up; nothing was written");
        }

        connections.EnsureReadable();
        var target = ResolveTarget(request);
        var partial = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.partial");
        var elapsed = Stopwatch.StartNew();
        var expected = new FileInfo(Files.Database).Length + connections.WalSize;
        CreatePrivateFile(partial);
        try
        {
            using (ReportProgress(partial, expected, request.Progress))
            {
                if (writer.IsOpen && connections.Mode.ExclusiveLocking)
                {
                    await writer.RunOnConnectionAsync(
                        (connection, token) =>
                        {
                            VacuumInto(connection, partial, setBusyTimeout: false, token);
                            return Task.FromResult(true);
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Task.Run(() => CopyLive(partial, cancellationToken), cancellationToken).ConfigureAwait(false);
                }
            }

            var (integrity, migrations) = await Task.Run(() => Verify(partial, requireCompozy: false), cancellationToken).ConfigureAwait(false);
            if (integrity is not ["ok"])
            {
                throw new DatabaseIntegrityException(
                    $"the backup copy of {Files.Database} failed integrity_check ({string.Join("; ", integrity.Take(3))}); it was deleted. " +
                    "The database itself was only read: run compozy db status --check full on it",
                    integrity);
            }

            Flush(partial);
            File.Move(partial, target, overwrite: false);
            SyncDirectory(Path.GetDirectoryName(target)!);
            var bytes = new FileInfo(target).Length;
            metrics.RecordBackup(succeeded: true, DateTimeOffset.UtcNow);
            return new DatabaseReport(
            [
                new("path", target),
                new("database", Files.Database),
                new("bytes", bytes),
                new("integrity", "ok"),
                new("migrations_applied", migrations),
                new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
            ]);
        }
        catch
        {
            TryDelete(partial);
            metrics.RecordBackup(succeeded: false, DateTimeOffset.UtcNow);
            throw;
        }
    }

    public async Task<DatabaseReport> RestoreAsync(string backupFile, bool keepReplaced, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(backupFile);
        if (UnsupportedReason is { } reason)
        {
            throw new DatabaseOperationNotSupportedException($"compozy db restore: {reason}");
        }

        var elapsed = Stopwatch.StartNew();
        var source = CheckRestoreSource(backupFile);
        var (integrity, migrations) = await Task.Run(() => Verify(source, requireCompozy: true), cancellationToken).ConfigureAwait(false);
        if (integrity is not ["ok"])
        {
            throw new DatabaseIntegrityException(
                $"the backup {source} failed integrity_check ({string.Join("; ", integrity.Take(3))}); nothing was changed. Restore another backup",
                integrity);
        }

        if (!Directory.Exists(Files.Directory))
        {
            CreatePrivateDirectory(Files.Directory);
        }

        using var taken = SqliteWriterLock.TryTakeDatabase(Files) ?? throw new DatabaseInUseException(
            $"{Files.Database} is in use: a compozy process (compozy start, migrate or db maintenance) has it open and holds {Files.WriterLock}. " +
            "Stop it (a host stops on SIGTERM or Ctrl-C) and run the restore again; nothing was changed");

        var (replaced, moved) = await ReplaceDatabaseAsync(source, keepReplaced ? ReplacedInfix + Stamp(DateTimeOffset.UtcNow) : null, keepShm: false, cancellationToken).ConfigureAwait(false);
        LogRestored(source, Files.Database, replaced ?? "(not kept)", elapsed.Elapsed.TotalMilliseconds);
        return new DatabaseReport(
        [
            new("restored_from", source),
            new("database", Files.Database),
            new("replaced", replaced),
            new("replaced_companions", moved.Count == 0 ? null : string.Join(", ", moved)),
            new("bytes", new FileInfo(Files.Database).Length),
            new("integrity", "ok"),
            new("migrations_applied", migrations),
            new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)),
        ]);
    }

    /// <summary>
    /// Replaces the database with a copy of <paramref name="source"/>, which passed
    /// <see cref="Verify"/>, while the caller holds <see cref="SqliteWriterLock.TryTakeDatabase"/>.
    /// With <paramref name="keepInfix"/> the replaced file is kept as the database's name plus it
    /// (a hard link, or a rename where links are refused), its <c>-wal</c> and <c>-journal</c>
    /// (and with <paramref name="keepShm"/> its <c>-shm</c>) moved to that name too, never over
    /// a file; without, they are deleted. Returns the kept name and the companions moved.
    /// </summary>
    internal async Task<(string? Replaced, List<string> Moved)> ReplaceDatabaseAsync(string source, string? keepInfix, bool keepShm, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(Files.Directory, $".{Path.GetFileName(Files.Database)}.restore-{Stamp(DateTimeOffset.UtcNow)}.partial");
        CreatePrivateFile(partial);
        string? replaced = null;
        var moved = new List<string>();
        var undo = new List<(string From, string To)>();
        var swapped = false;
        var linked = false;
        try
        {
            await Task.Run(() => CopyBackup(source, partial, cancellationToken), cancellationToken).ConfigureAwait(false);
            var (copyIntegrity, _) = await Task.Run(() => Verify(partial, requireCompozy: true), cancellationToken).ConfigureAwait(false);
            if (copyIntegrity is not ["ok"])
            {
                throw new DatabaseIntegrityException(
                    $"the copy of {source} written beside the database failed integrity_check ({string.Join("; ", copyIntegrity.Take(3))}); it was deleted and nothing was changed",
                    copyIntegrity);
            }

            Flush(partial);

            // From here on the database is replaced; nothing above touched it.
            var replacedPath = Files.Database + keepInfix;
            if (keepInfix is not null && File.Exists(Files.Database))
            {
                linked = KeepUnderSecondName(Files.Database, replacedPath);
                replaced = replacedPath;
            }

            var companions = keepShm && keepInfix is not null
                ? new[] { (Files.Wal, "-wal"), (Files.Journal, "-journal"), (Files.Shm, "-shm") }
                : new[] { (Files.Wal, "-wal"), (Files.Journal, "-journal") };
            foreach (var (companion, suffix) in companions)
            {
                if (!File.Exists(companion))
                {
                    continue;
                }

                if (keepInfix is not null)
                {
                    File.Move(companion, replacedPath + suffix, overwrite: false);
                    moved.Add(replacedPath + suffix);
                    undo.Add((replacedPath + suffix, companion));
                }
                else
                {
                    File.Delete(companion);
                }
            }

            TryDelete(Files.Shm);
            File.Move(partial, Files.Database, overwrite: true);
            swapped = true;
            SyncDirectory(Files.Directory);
        }
        catch when (!swapped)
        {
            // The database was not replaced: its -wal and -journal go back beside it, so that no
            // committed write is left out of it.
            foreach (var (from, to) in undo)
            {
                File.Move(from, to);
            }

            if (replaced is not null && linked)
            {
                TryDelete(replaced);
            }
            else if (replaced is not null)
            {
                File.Move(replaced, Files.Database);
            }

            TryDelete(partial);
            throw;
        }

        return (replaced, moved);
    }

    private string ResolveTarget(DatabaseBackupRequest request)
    {
        var label = request.Label;
        string directory;
        string? file = null;
        if (request.Destination is not { Length: > 0 } destination)
        {
            directory = BackupDirectory;
        }
        else
        {
            string full;
            try
            {
                full = Path.GetFullPath(destination);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new BackupInputException($"--out: \"{destination}\" is not a valid path: {exception.Message}; nothing was written", exception);
            }

            if (Directory.Exists(full) || destination.EndsWith('/') || destination.EndsWith(Path.DirectorySeparatorChar))
            {
                directory = full;
            }
            else
            {
                directory = Path.GetDirectoryName(full)!;
                file = full;
                if (!Directory.Exists(directory))
                {
                    throw new BackupInputException($"--out: the directory of {full} does not exist; allowed: a new file in an existing directory, or a directory (ending in /, created when missing); nothing was written");
                }
            }
        }

        if (!Directory.Exists(directory))
        {
            CreatePrivateDirectory(directory);
        }

        file ??= Path.Combine(directory, $"{Stem}.{label}-{Stamp(DateTimeOffset.UtcNow)}{Extension}");
        if (File.Exists(file) || Directory.Exists(file))
        {
            throw new BackupInputException($"--out: {file} exists, and a backup never overwrites a file; allowed: a new file name, or a directory to write a time-stamped file into; nothing was written");
        }

        if (string.Equals(file, Files.Database, StringComparison.Ordinal) || Files.Companions.Contains(file, StringComparer.Ordinal))
        {
            throw new BackupInputException($"--out: {file} is the database or one of its files; nothing was written");
        }

        return file;
    }

    internal string CheckRestoreSource(string backupFile)
    {
        string full;
        try
        {
            full = Path.GetFullPath(backupFile);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new BackupInputException($"\"{backupFile}\" is not a valid path: {exception.Message}; nothing was changed", exception);
        }

        if (!File.Exists(full))
        {
            throw new BackupInputException($"the backup {full} does not exist or is not a file; allowed: a file written by compozy db backup; nothing was changed");
        }

        var real = RealPathResolver.Resolve(full, out _) ?? full;
        if (string.Equals(real, Files.Database, StringComparison.Ordinal))
        {
            throw new BackupInputException($"the backup {full} is the database itself; allowed: a backup file; nothing was changed");
        }

        return full;
    }

    /// <summary>The live database into <paramref name="partial"/>: one consistent snapshot, without the writer lock.</summary>
    private void CopyLive(string partial, CancellationToken cancellationToken)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Files.Database,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
        }.ToString());
        source.Open();

        // Only the writer checkpoints; this connection, the last one of a file no host uses, must not.
        SqliteConnectionSetup.DisableCheckpointOnClose(source);
        VacuumInto(source, partial, setBusyTimeout: true, cancellationToken);
    }

    private void CopyBackup(string backup, string partial, CancellationToken cancellationToken)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = backup,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        source.Open();
        VacuumInto(source, partial, setBusyTimeout: true, cancellationToken);
    }

    private void VacuumInto(SqliteConnection source, string partial, bool setBusyTimeout, CancellationToken cancellationToken)
    {
        using var command = source.CreateCommand();
        if (setBusyTimeout)
        {
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds};");
            command.ExecuteNonQuery();
        }

        command.CommandText = "VACUUM INTO $copy;";
        command.Parameters.AddWithValue("$copy", partial);
        command.CommandTimeout = 0;
        using var interrupt = SqliteInterrupt.On(source, cancellationToken);
        command.ExecuteNonQuery();
    }

    /// <summary><c>integrity_check</c> of a file, and how many migrations its history holds; with <paramref name="requireCompozy"/>, refuses a database that is not Compozy's.</summary>
    internal (IReadOnlyList<string> Integrity, long Migrations) Verify(string path, bool requireCompozy)
    {
        var integrity = SqliteInspectionConnection.CheckIntegrity(path, BusyTimeout, full: true);
        if (integrity is not ["ok"])
        {
            return (integrity, 0);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table';";
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var missing = CompozyTables.Where(table => !tables.Contains(table)).ToList();
        if (missing.Count > 0)
        {
            if (requireCompozy)
            {
                throw new BackupInputException(
                    $"{path} is a SQLite database but not a Compozy one (it has no {string.Join(", ", missing)} table); allowed: a file written by compozy db backup; nothing was changed");
            }

            return (integrity, 0);
        }

        command.CommandText = $"SELECT count(*) FROM \"{MigrationHistory.TableName}\";";
        return (integrity, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A hard link keeps the old file under its second name while the path still names it
    /// (<see langword="true"/>); where links are refused, a rename (<see langword="false"/>).
    /// </summary>
    private static bool KeepUnderSecondName(string database, string secondName)
    {
        if (UnixFiles.HardLink(database, secondName) == 0)
        {
            return true;
        }

        File.Move(database, secondName);
        return false;
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void CreatePrivateFile(string path)
    {
        using (PrivateFile.Open(path, FileMode.CreateNew, FileAccess.Write))
        {
        }
    }

    private static void Flush(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }

    internal static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);

    internal void SyncDirectory(string directory)
    {
        var error = UnixFiles.SyncDirectory(directory);
        if (error != 0 && error != UnixFiles.Unsupported)
        {
            LogDirectorySyncFailed(directory, UnixFiles.Describe(error));
        }
    }

    private static Timer? ReportProgress(string partial, long expected, IProgress<DatabaseBackupProgress>? progress) =>
        progress is null
            ? null
            : new Timer(
                _ =>
                {
                    try
                    {
                        progress.Report(new DatabaseBackupProgress(new FileInfo(partial).Length, expected));
                    }
                    catch (IOException)
                    {
                        // The file was renamed or deleted as the copy ended; the next report, if any, says more.
                    }
                },
                null,
                ProgressInterval,
                ProgressInterval);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: a hidden .partial left behind is never taken for a backup.
        }
    }

    [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "restore completed: {Database} is now the backup {Source} (checked with integrity_check); the replaced database is {Replaced}; in {ElapsedMilliseconds:F0} ms")]
    private partial void LogRestored(string source, string database, string replaced, double elapsedMilliseconds);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "could not flush the directory {Directory} to disk after a rename ({Error}); a power loss in the next seconds may lose the new name")]
    private partial void LogDirectorySyncFailed(string directory, string error);
}
