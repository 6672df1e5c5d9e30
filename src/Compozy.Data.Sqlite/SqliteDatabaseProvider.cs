using Compozy.Data.Configuration;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.FileSystem;

namespace Compozy.Data.Sqlite;

/// <summary>
/// The SQLite provider (<c>database.driver: sqlite</c>): an embedded database in one file, or in
/// memory for the life of the host.
/// </summary>
public sealed class SqliteDatabaseProvider : IDatabaseProvider
{
    /// <summary>The driver name.</summary>
    public const string DriverName = "sqlite";

    /// <inheritdoc />
    public string Driver => DriverName;

    /// <inheritdoc />
    public IReadOnlyList<ConfigurationKey> ConfigurationKeys => SqliteConfigurationKeys.All;

    /// <inheritdoc />
    public IConfiguredDatabaseProvider Configure(ConfigurationReader reader, CompozyDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);

        var (path, configuredPath) = ReadPath(reader);

        var synchronous = Enum.Parse<SqliteSynchronousMode>(reader.Read<string>(SqliteConfigurationKeys.Synchronous) ?? "FULL", ignoreCase: true);
        if (synchronous == SqliteSynchronousMode.Off && !reader.Read<bool>(SqliteConfigurationKeys.AllowUnsafeSynchronous))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.Synchronous.Path,
                "\"OFF\" can corrupt the database on an OS crash or power loss; allowed: FULL (the default), EXTRA or NORMAL, " +
                "or set database.sqlite.allow_unsafe_synchronous: true to accept the risk");
        }
        else if (synchronous == SqliteSynchronousMode.Normal)
        {
            reader.AddWarning(
                SqliteConfigurationKeys.Synchronous.Path,
                "is NORMAL: commits survive an application crash, but a power loss or OS crash can lose the commits " +
                "acknowledged since the last checkpoint (up to wal_checkpoint_interval of writes); use FULL when every acknowledged write must survive");
        }
        else if (synchronous == SqliteSynchronousMode.Off)
        {
            reader.AddWarning(SqliteConfigurationKeys.Synchronous.Path, "is OFF (allowed by allow_unsafe_synchronous): an OS crash or power loss can corrupt the database");
        }

        var foreignKeys = reader.Read<bool>(SqliteConfigurationKeys.ForeignKeys);
        if (!foreignKeys && reader.IsSet(SqliteConfigurationKeys.ForeignKeys) && !reader.Read<bool>(SqliteConfigurationKeys.AllowUnsafeForeignKeys))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.ForeignKeys.Path,
                "\"false\" turns off the cascades and references the schema relies on; allowed: true, " +
                "or set database.sqlite.allow_unsafe_foreign_keys: true to accept orphan rows");
        }

        var journalMode = Enum.Parse<SqliteJournalMode>(reader.Read<string>(SqliteConfigurationKeys.JournalMode) ?? "WAL", ignoreCase: true);
        var fileSystem = Enum.Parse<SqliteFileSystemKind>(reader.Read<string>(SqliteConfigurationKeys.FileSystem) ?? "auto", ignoreCase: true);
        var allowNetworkFilesystem = reader.Read<bool>(SqliteConfigurationKeys.AllowNetworkFilesystem);
        if (fileSystem == SqliteFileSystemKind.Local && allowNetworkFilesystem)
        {
            reader.AddProblem(
                SqliteConfigurationKeys.FileSystem.Path,
                "\"local\" declares the database's filesystem local, so SQLite keeps WAL, while database.sqlite.allow_network_filesystem: true " +
                "asks for the fallback of a network filesystem; allowed: one of them (local for a FUSE filesystem on a local disk, " +
                "allow_network_filesystem for a filesystem really shared over a network)");
        }

        var (backupInterval, backupDirectory) = ReadBackup(reader, path);
        TimeSpan? integrityCheckInterval = reader.TryRead<TimeSpan>(SqliteConfigurationKeys.IntegrityCheckInterval, out var parsedInterval) ? parsedInterval : null;
        if (integrityCheckInterval is not null && path == SqliteConfigurationKeys.InMemoryPath)
        {
            reader.AddProblem(
                SqliteConfigurationKeys.IntegrityCheckInterval.Path,
                "periodic integrity checks read a database file, and database.path is :memory:; allowed: leave integrity_check_interval unset, or set database.path to a file");
        }

        var integrityCheckOnStartup = Enum.Parse<IntegrityCheckLevel>(reader.Read<string>(SqliteConfigurationKeys.IntegrityCheckOnStartup) ?? "QUICK", ignoreCase: true);
        var recoverOnStart = reader.Read<bool>(SqliteConfigurationKeys.RecoverOnStart);
        if (recoverOnStart && path == SqliteConfigurationKeys.InMemoryPath)
        {
            reader.AddProblem(
                SqliteConfigurationKeys.RecoverOnStart.Path,
                "recovery replaces a damaged database file with a backup, and database.path is :memory:; allowed: false, or set database.path to a file");
        }
        else if (recoverOnStart && integrityCheckOnStartup == IntegrityCheckLevel.Off)
        {
            reader.AddProblem(
                SqliteConfigurationKeys.RecoverOnStart.Path,
                "true needs the startup integrity check that finds the damage, and database.sqlite.integrity_check_on_startup is OFF; allowed: false, or integrity_check_on_startup QUICK or FULL");
        }

        return new ConfiguredSqliteProvider(new SqliteOptions
        {
            Path = path ?? string.Empty,
            ConfiguredPath = configuredPath ?? path ?? string.Empty,
            JournalMode = journalMode,
            Synchronous = synchronous,
            BusyTimeout = reader.Read<TimeSpan>(SqliteConfigurationKeys.BusyTimeout),
            JournalSizeLimit = reader.Read<long>(SqliteConfigurationKeys.JournalSizeLimit),
            CacheSize = reader.Read<long>(SqliteConfigurationKeys.CacheSize),
            MmapSize = reader.Read<long>(SqliteConfigurationKeys.MmapSize),
            ForeignKeys = foreignKeys,
            WalCheckpointInterval = reader.Read<TimeSpan>(SqliteConfigurationKeys.WalCheckpointInterval),
            WalCheckpointTruncateThreshold = reader.Read<long>(SqliteConfigurationKeys.WalCheckpointTruncateThreshold),
            IntegrityCheckOnStartup = integrityCheckOnStartup,
            IntegrityCheckInterval = integrityCheckInterval,
            RecoverOnStart = recoverOnStart,
            MaintenanceOnShutdown = reader.Read<bool>(SqliteConfigurationKeys.MaintenanceOnShutdown),
            ShutdownTimeout = reader.Read<TimeSpan>(SqliteConfigurationKeys.ShutdownTimeout),
            GroupCommit = reader.Read<bool>(SqliteConfigurationKeys.GroupCommit),
            GroupCommitMaxBatch = reader.Read<int>(SqliteConfigurationKeys.GroupCommitMaxBatch),
            WriterQueueCapacity = reader.Read<int>(SqliteConfigurationKeys.WriterQueueCapacity),
            AllowNetworkFilesystem = allowNetworkFilesystem,
            FileSystem = fileSystem,
            BackupInterval = backupInterval,
            BackupDirectory = backupDirectory,
            BackupKeep = reader.Read<int>(SqliteConfigurationKeys.BackupKeep),
        });
    }

    /// <summary>Reads database.sqlite.backup.interval and .dir: a schedule needs a file to copy, and the directory must be one.</summary>
    private static (TimeSpan? Interval, string Directory) ReadBackup(ConfigurationReader reader, string? databasePath)
    {
        TimeSpan? interval = reader.TryRead<TimeSpan>(SqliteConfigurationKeys.BackupInterval, out var parsed) ? parsed : null;
        if (interval is not null && databasePath == SqliteConfigurationKeys.InMemoryPath)
        {
            reader.AddProblem(
                SqliteConfigurationKeys.BackupInterval.Path,
                "scheduled backups copy a database file, and database.path is :memory:; allowed: leave backup.interval unset, or set database.path to a file");
        }

        var raw = reader.Read<string>(SqliteConfigurationKeys.BackupDirectory);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (interval, string.Empty);
        }

        string directory;
        try
        {
            directory = Path.GetFullPath(raw);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.AddProblem(SqliteConfigurationKeys.BackupDirectory.Path, $"\"{raw}\" is not a valid directory path: {exception.Message}");
            return (interval, string.Empty);
        }

        if (File.Exists(directory))
        {
            reader.AddProblem(SqliteConfigurationKeys.BackupDirectory.Path, $"\"{raw}\" is a file; allowed: a directory (created owner-only when missing)");
        }

        return (interval, directory);
    }

    /// <summary>Reads database.path: the real path (links resolved) and the configured one made absolute.</summary>
    private static (string? Path, string? ConfiguredPath) ReadPath(ConfigurationReader reader)
    {
        var key = SqliteConfigurationKeys.Path.Path;
        var raw = reader.Read<string>(SqliteConfigurationKeys.Path);
        if (string.IsNullOrWhiteSpace(raw))
        {
            reader.AddProblem(key, "sqlite driver requires path; allowed: a file path such as .compozy/compozy.db, or :memory:");
            return (null, null);
        }

        if (raw == SqliteConfigurationKeys.InMemoryPath)
        {
            return (raw, raw);
        }

        if (DescribeMistake(raw) is { } mistake)
        {
            reader.AddProblem(key, mistake);
            return (null, null);
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(raw);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.AddProblem(key, $"\"{raw}\" is not a valid file path: {exception.Message}");
            return (null, null);
        }

        var realPath = RealPathResolver.Resolve(fullPath, out var error);
        if (realPath is null)
        {
            reader.AddProblem(key, $"\"{raw}\" cannot be resolved: {UnixFiles.Describe(error)} (a loop of symbolic links); allowed: a path whose links end at a file or directory");
            return (null, null);
        }

        if (Directory.Exists(realPath))
        {
            reader.AddProblem(key, $"\"{raw}\" is a directory; allowed: the path of a database file, for example {Path.Combine(raw, "compozy.db")}");
            return (null, null);
        }

        for (var parent = Path.GetDirectoryName(realPath); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                reader.AddProblem(key, $"\"{raw}\" cannot be created because {parent} is a file, not a directory");
                return (null, null);
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }

        return (realPath, fullPath);
    }

    /// <summary>
    /// What is wrong with a path that would otherwise be created, silently, as a file nobody
    /// meant: a spelling of <c>:memory:</c> SQLite reads as a file name, a URI filename (which this
    /// layer does not pass to SQLite as a URI), characters that cannot be seen or typed, spaces
    /// at either end, a trailing slash.
    /// </summary>
    private static string? DescribeMistake(string raw)
    {
        var shown = Escape(raw);
        if (string.Equals(raw.Trim(), SqliteConfigurationKeys.InMemoryPath, StringComparison.OrdinalIgnoreCase))
        {
            return $"\"{shown}\" is not :memory: (SQLite would create a file of that name in the working directory); " +
                "allowed: exactly :memory: (lower case, no spaces) for an in-memory database, or a file path";
        }

        if (raw.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var memory = raw.Contains(":memory:", StringComparison.OrdinalIgnoreCase) || raw.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)
                ? " For an in-memory database write :memory:."
                : string.Empty;
            return $"\"{shown}\" is a SQLite URI filename, which database.path does not take (its parameters would be part of a file name); " +
                $"allowed: a plain file path such as .compozy/compozy.db, or :memory:.{memory}";
        }

        var invisible = raw.Select((character, index) => (Character: character, Index: index))
            .FirstOrDefault(entry => char.IsControl(entry.Character) || char.GetUnicodeCategory(entry.Character) == System.Globalization.UnicodeCategory.Format);
        if (invisible != default)
        {
            return $"\"{shown}\" contains the control character U+{(int)invisible.Character:X4} at position {invisible.Index + 1}; " +
                "allowed: a path of printable characters";
        }

        if (raw != raw.Trim())
        {
            return $"\"{shown}\" begins or ends with a space, which is almost always a quoting mistake; allowed: the path without them";
        }

        if (raw.EndsWith('/') || raw.EndsWith(Path.DirectorySeparatorChar))
        {
            return $"\"{shown}\" ends with a directory separator; allowed: the path of a database file, for example {Path.Join(raw, "compozy.db")}";
        }

        return null;
    }

    /// <summary>The value with control and invisible characters written as <c>\uXXXX</c>, so that a problem line stays one readable line.</summary>
    private static string Escape(string raw) =>
        string.Concat(raw.Select(character =>
            char.IsControl(character) || char.GetUnicodeCategory(character) == System.Globalization.UnicodeCategory.Format
                ? $"\\u{(int)character:X4}"
                : character.ToString()));
}
