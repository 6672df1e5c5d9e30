using Compozy.Data.Configuration;

namespace Compozy.Data.Sqlite.Configuration;

/// <summary>The keys the SQLite provider reads.</summary>
public static class SqliteConfigurationKeys
{
    /// <summary>The in-memory database path.</summary>
    public const string InMemoryPath = ":memory:";

    private const long Megabyte = 1L << 20;

    /// <summary><c>database.path</c>.</summary>
    public static ConfigurationKey Path { get; } = new()
    {
        Path = "database.path",
        EnvironmentVariable = "DB_PATH",
        Flag = "--db-path",
        Type = ConfigurationValueType.Text(allowEmpty: true),
        Default = ".compozy/compozy.db",
        Description = "SQLite database file, relative to the working directory, or :memory: for a database that lives as long as the process. Symbolic links are resolved once, at start; a lookalike of :memory:, a file: URI, control characters and surrounding spaces are refused.",
    };

    /// <summary><c>database.sqlite.journal_mode</c>.</summary>
    public static ConfigurationKey JournalMode { get; } = new()
    {
        Path = "database.sqlite.journal_mode",
        EnvironmentVariable = "DB_SQLITE_JOURNAL_MODE",
        Type = ConfigurationValueType.Choice("WAL", "DELETE"),
        Default = "WAL",
        Description = "WAL (readers never wait for the writer) or DELETE (rollback journal). Read back after it is set: a database that will not take the mode stops the start.",
    };

    /// <summary><c>database.sqlite.synchronous</c>.</summary>
    public static ConfigurationKey Synchronous { get; } = new()
    {
        Path = "database.sqlite.synchronous",
        EnvironmentVariable = "DB_SQLITE_SYNCHRONOUS",
        Type = ConfigurationValueType.Choice("OFF", "NORMAL", "FULL", "EXTRA"),
        Default = "FULL",
        Description = "FULL: every acknowledged commit survives a power loss. NORMAL survives an application crash only (a warning says so). OFF needs allow_unsafe_synchronous.",
    };

    /// <summary><c>database.sqlite.busy_timeout</c> (alias <c>database.busy_timeout</c>, Compozy's name).</summary>
    public static ConfigurationKey BusyTimeout { get; } = new()
    {
        Path = "database.sqlite.busy_timeout",
        EnvironmentVariable = "DB_SQLITE_BUSY_TIMEOUT",
        Flag = "--db-busy-timeout",
        Aliases = ["database.busy_timeout"],
        EnvironmentAliases = ["DB_BUSY_TIMEOUT"],
        Type = ConfigurationValueType.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        Default = "5s",
        Description = "How long a connection waits for a lock held by another process (or by a checkpoint) before failing with SQLITE_BUSY.",
    };

    /// <summary><c>database.sqlite.journal_size_limit</c>.</summary>
    public static ConfigurationKey JournalSizeLimit { get; } = new()
    {
        Path = "database.sqlite.journal_size_limit",
        EnvironmentVariable = "DB_SQLITE_JOURNAL_SIZE_LIMIT",
        Type = ConfigurationValueType.Size(0, 1L << 40),
        Default = "64MB",
        Description = "Size the WAL file is truncated back to after a checkpoint resets it.",
    };

    /// <summary><c>database.sqlite.cache_size</c>.</summary>
    public static ConfigurationKey CacheSize { get; } = new()
    {
        Path = "database.sqlite.cache_size",
        EnvironmentVariable = "DB_SQLITE_CACHE_SIZE",
        Type = ConfigurationValueType.Size(64 * 1024, 1L << 40),
        Default = "32MB",
        Description = "Page cache per connection (written to SQLite as cache_size = -KiB).",
    };

    /// <summary><c>database.sqlite.mmap_size</c>.</summary>
    public static ConfigurationKey MmapSize { get; } = new()
    {
        Path = "database.sqlite.mmap_size",
        EnvironmentVariable = "DB_SQLITE_MMAP_SIZE",
        Type = ConfigurationValueType.Size(0, 1L << 40),
        Default = "0",
        Description = "Memory-mapped I/O size. 0 (the default) because an I/O error in mapped memory kills the process instead of failing a query.",
    };

    /// <summary><c>database.sqlite.foreign_keys</c>.</summary>
    public static ConfigurationKey ForeignKeys { get; } = new()
    {
        Path = "database.sqlite.foreign_keys",
        EnvironmentVariable = "DB_SQLITE_FOREIGN_KEYS",
        Type = ConfigurationValueType.Boolean,
        Default = "true",
        Description = "Enforce foreign keys and their cascades. Turning it off is refused unless allow_unsafe_foreign_keys is true.",
    };

    /// <summary><c>database.sqlite.wal_checkpoint_interval</c>.</summary>
    public static ConfigurationKey WalCheckpointInterval { get; } = new()
    {
        Path = "database.sqlite.wal_checkpoint_interval",
        EnvironmentVariable = "DB_SQLITE_WAL_CHECKPOINT_INTERVAL",
        Type = ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
        Default = "60s",
        Reload = ConfigurationReload.Live,
        Description = "How often the host runs a PASSIVE checkpoint on the writer (in addition to SQLite's automatic ones every 1000 pages).",
    };

    /// <summary><c>database.sqlite.wal_checkpoint_truncate_threshold</c>.</summary>
    public static ConfigurationKey WalCheckpointTruncateThreshold { get; } = new()
    {
        Path = "database.sqlite.wal_checkpoint_truncate_threshold",
        EnvironmentVariable = "DB_SQLITE_WAL_CHECKPOINT_TRUNCATE_THRESHOLD",
        Type = ConfigurationValueType.Size(Megabyte, 1L << 40),
        Default = "64MB",
        Reload = ConfigurationReload.Live,
        Description = "WAL size above which the periodic checkpoint is a TRUNCATE (waits for readers, then shrinks the WAL to zero) instead of PASSIVE.",
    };

    /// <summary><c>database.sqlite.integrity_check_on_startup</c>.</summary>
    public static ConfigurationKey IntegrityCheckOnStartup { get; } = new()
    {
        Path = "database.sqlite.integrity_check_on_startup",
        EnvironmentVariable = "DB_SQLITE_INTEGRITY_CHECK_ON_STARTUP",
        Type = ConfigurationValueType.Choice("OFF", "QUICK", "FULL"),
        Default = "QUICK",
        Description = "Check the file before serving: QUICK (quick_check), FULL (integrity_check) or OFF. A failed check stops the start and leaves the file as it was.",
    };

    /// <summary><c>database.sqlite.integrity_check_interval</c>.</summary>
    public static ConfigurationKey IntegrityCheckInterval { get; } = new()
    {
        Path = "database.sqlite.integrity_check_interval",
        EnvironmentVariable = "DB_SQLITE_INTEGRITY_CHECK_INTERVAL",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
        Reload = ConfigurationReload.LiveOnceSet,
        Description = "How often compozy start runs PRAGMA quick_check on a read connection while it serves (WAL mode only; writes go on meanwhile). Damage found takes readiness down with the first problems and is logged as an error. Not set (the default): no periodic checks.",
    };

    /// <summary><c>database.sqlite.recover_on_start</c>.</summary>
    public static ConfigurationKey RecoverOnStart { get; } = new()
    {
        Path = "database.sqlite.recover_on_start",
        EnvironmentVariable = "DB_SQLITE_RECOVER_ON_START",
        Type = ConfigurationValueType.Boolean,
        Default = "false",
        Description = "When the startup integrity check finds damage and no other process uses the database, do what compozy db recover does (keep the damaged files aside untouched, restore the newest verified backup from backup.dir, log what was lost), then start. false: the start refuses a damaged database and points to compozy db recover. Needs integrity_check_on_startup QUICK or FULL.",
    };

    /// <summary><c>database.sqlite.maintenance_on_shutdown</c>.</summary>
    public static ConfigurationKey MaintenanceOnShutdown { get; } = new()
    {
        Path = "database.sqlite.maintenance_on_shutdown",
        EnvironmentVariable = "DB_SQLITE_MAINTENANCE_ON_SHUTDOWN",
        Type = ConfigurationValueType.Boolean,
        Default = "true",
        Description = "On a clean shutdown, run an incremental vacuum and PRAGMA optimize before the final checkpoint, within shutdown_timeout.",
    };

    /// <summary><c>database.sqlite.shutdown_timeout</c>.</summary>
    public static ConfigurationKey ShutdownTimeout { get; } = new()
    {
        Path = "database.sqlite.shutdown_timeout",
        EnvironmentVariable = "DB_SQLITE_SHUTDOWN_TIMEOUT",
        Type = ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        Default = "10s",
        Description = "Longest time shutdown maintenance and the final checkpoint may take; the database is closed when it runs out.",
    };

    /// <summary><c>database.sqlite.allow_unsafe_synchronous</c>.</summary>
    public static ConfigurationKey AllowUnsafeSynchronous { get; } = new()
    {
        Path = "database.sqlite.allow_unsafe_synchronous",
        EnvironmentVariable = "DB_SQLITE_ALLOW_UNSAFE_SYNCHRONOUS",
        Type = ConfigurationValueType.Boolean,
        Default = "false",
        Description = "Opt-in for synchronous: OFF, which can corrupt the database on an OS crash or power loss.",
    };

    /// <summary><c>database.sqlite.allow_unsafe_foreign_keys</c>.</summary>
    public static ConfigurationKey AllowUnsafeForeignKeys { get; } = new()
    {
        Path = "database.sqlite.allow_unsafe_foreign_keys",
        EnvironmentVariable = "DB_SQLITE_ALLOW_UNSAFE_FOREIGN_KEYS",
        Type = ConfigurationValueType.Boolean,
        Default = "false",
        Description = "Opt-in for foreign_keys: false, which leaves orphan rows behind deletes.",
    };

    /// <summary><c>database.sqlite.allow_network_filesystem</c>.</summary>
    public static ConfigurationKey AllowNetworkFilesystem { get; } = new()
    {
        Path = "database.sqlite.allow_network_filesystem",
        EnvironmentVariable = "DB_SQLITE_ALLOW_NETWORK_FILESYSTEM",
        Type = ConfigurationValueType.Boolean,
        Default = "false",
        Description = "Opt-in for a database on a network filesystem (NFS, SMB, FUSE...): runs in journal_mode DELETE with locking_mode EXCLUSIVE, one connection for everything, instead of refusing to start.",
    };

    /// <summary><c>database.sqlite.filesystem</c>.</summary>
    public static ConfigurationKey FileSystem { get; } = new()
    {
        Path = "database.sqlite.filesystem",
        EnvironmentVariable = "DB_SQLITE_FILESYSTEM",
        Type = ConfigurationValueType.Choice("auto", "local"),
        Default = "auto",
        Description = "auto: the filesystem probe decides, and a network filesystem (NFS, SMB, FUSE...) is refused or needs allow_network_filesystem. local: the operator declares the database's filesystem local (a FUSE filesystem on a local disk, such as gocryptfs), and SQLite keeps WAL whatever the probe says; a warning names the filesystem.",
    };

    /// <summary><c>database.sqlite.group_commit</c>.</summary>
    public static ConfigurationKey GroupCommit { get; } = new()
    {
        Path = "database.sqlite.group_commit",
        EnvironmentVariable = "DB_SQLITE_GROUP_COMMIT",
        Type = ConfigurationValueType.Boolean,
        Default = "true",
        Description = "Commit concurrent writes together: one transaction (one fsync) per batch, a savepoint per write so a failing write rolls back alone. Each caller returns only after its batch committed.",
    };

    /// <summary><c>database.sqlite.group_commit_max_batch</c>.</summary>
    public static ConfigurationKey GroupCommitMaxBatch { get; } = new()
    {
        Path = "database.sqlite.group_commit_max_batch",
        EnvironmentVariable = "DB_SQLITE_GROUP_COMMIT_MAX_BATCH",
        Type = ConfigurationValueType.WholeNumber(1, 10_000),
        Default = "256",
        Description = "Most writes committed in one batch.",
    };

    /// <summary><c>database.sqlite.writer_queue_capacity</c>.</summary>
    public static ConfigurationKey WriterQueueCapacity { get; } = new()
    {
        Path = "database.sqlite.writer_queue_capacity",
        EnvironmentVariable = "DB_SQLITE_WRITER_QUEUE_CAPACITY",
        Type = ConfigurationValueType.WholeNumber(1, 1_000_000),
        Default = "4096",
        Description = "Writes that may wait for the writer; beyond it callers wait to enqueue (back-pressure).",
    };

    /// <summary><c>database.sqlite.backup.interval</c>.</summary>
    public static ConfigurationKey BackupInterval { get; } = new()
    {
        Path = "database.sqlite.backup.interval",
        EnvironmentVariable = "DB_SQLITE_BACKUP_INTERVAL",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
        Reload = ConfigurationReload.LiveOnceSet,
        Description = "How often compozy start writes a verified online backup of the database file into backup.dir. Not set (the default): no scheduled backups.",
    };

    /// <summary><c>database.sqlite.backup.dir</c>.</summary>
    public static ConfigurationKey BackupDirectory { get; } = new()
    {
        Path = "database.sqlite.backup.dir",
        EnvironmentVariable = "DB_SQLITE_BACKUP_DIR",
        Type = ConfigurationValueType.Text(),
        Description = "Directory of scheduled backups, of the backups migrate up takes first, and of compozy db backup without --out; relative to the working directory. Default: backups beside the database file. Created owner-only when missing.",
    };

    /// <summary><c>database.sqlite.backup.keep</c>.</summary>
    public static ConfigurationKey BackupKeep { get; } = new()
    {
        Path = "database.sqlite.backup.keep",
        EnvironmentVariable = "DB_SQLITE_BACKUP_KEEP",
        Type = ConfigurationValueType.WholeNumber(1, 10_000),
        Default = "7",
        Reload = ConfigurationReload.Live,
        Description = "Scheduled backups kept: after each one, the oldest scheduled backups beyond this number are deleted (other files in the directory are never touched).",
    };

    /// <summary>Every SQLite key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } =
    [
        Path, JournalMode, Synchronous, BusyTimeout, JournalSizeLimit, CacheSize, MmapSize, ForeignKeys,
        WalCheckpointInterval, WalCheckpointTruncateThreshold, IntegrityCheckOnStartup, IntegrityCheckInterval, RecoverOnStart, MaintenanceOnShutdown,
        ShutdownTimeout, GroupCommit, GroupCommitMaxBatch, WriterQueueCapacity,
        AllowUnsafeSynchronous, AllowUnsafeForeignKeys, AllowNetworkFilesystem, FileSystem,
        BackupInterval, BackupDirectory, BackupKeep,
    ];
}
