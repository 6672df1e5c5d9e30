using Compozy.Data.Configuration;
using Compozy.Data.Providers;
using Compozy.Data.Sqlite.Configuration;

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

        var path = ReadPath(reader);

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
        return new ConfiguredSqliteProvider(new SqliteOptions
        {
            Path = path ?? string.Empty,
            JournalMode = journalMode,
            Synchronous = synchronous,
            BusyTimeout = reader.Read<TimeSpan>(SqliteConfigurationKeys.BusyTimeout),
            JournalSizeLimit = reader.Read<long>(SqliteConfigurationKeys.JournalSizeLimit),
            CacheSize = reader.Read<long>(SqliteConfigurationKeys.CacheSize),
            MmapSize = reader.Read<long>(SqliteConfigurationKeys.MmapSize),
            ForeignKeys = foreignKeys,
            WalCheckpointInterval = reader.Read<TimeSpan>(SqliteConfigurationKeys.WalCheckpointInterval),
            WalCheckpointTruncateThreshold = reader.Read<long>(SqliteConfigurationKeys.WalCheckpointTruncateThreshold),
            IntegrityCheckOnStartup = Enum.Parse<IntegrityCheckLevel>(reader.Read<string>(SqliteConfigurationKeys.IntegrityCheckOnStartup) ?? "QUICK", ignoreCase: true),
            MaintenanceOnShutdown = reader.Read<bool>(SqliteConfigurationKeys.MaintenanceOnShutdown),
            ShutdownTimeout = reader.Read<TimeSpan>(SqliteConfigurationKeys.ShutdownTimeout),
            GroupCommit = reader.Read<bool>(SqliteConfigurationKeys.GroupCommit),
            GroupCommitMaxBatch = reader.Read<int>(SqliteConfigurationKeys.GroupCommitMaxBatch),
            WriterQueueCapacity = reader.Read<int>(SqliteConfigurationKeys.WriterQueueCapacity),
            AllowNetworkFilesystem = reader.Read<bool>(SqliteConfigurationKeys.AllowNetworkFilesystem),
        });
    }

    private static string? ReadPath(ConfigurationReader reader)
    {
        var raw = reader.Read<string>(SqliteConfigurationKeys.Path);
        if (string.IsNullOrWhiteSpace(raw))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.Path.Path,
                "sqlite driver requires path; allowed: a file path such as .compozy/compozy.db, or :memory:");
            return null;
        }

        if (raw == SqliteConfigurationKeys.InMemoryPath)
        {
            return raw;
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(raw);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.AddProblem(SqliteConfigurationKeys.Path.Path, $"\"{raw}\" is not a valid file path: {exception.Message}");
            return null;
        }

        if (Directory.Exists(fullPath))
        {
            reader.AddProblem(
                SqliteConfigurationKeys.Path.Path,
                $"\"{raw}\" is a directory; allowed: the path of a database file, for example {Path.Combine(raw, "compozy.db")}");
            return null;
        }

        for (var parent = Path.GetDirectoryName(fullPath); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                reader.AddProblem(
                    SqliteConfigurationKeys.Path.Path,
                    $"\"{raw}\" cannot be created because {parent} is a file, not a directory");
                return null;
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }

        return fullPath;
    }
}
