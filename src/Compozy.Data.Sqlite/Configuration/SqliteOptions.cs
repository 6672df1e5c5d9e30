namespace Compozy.Data.Sqlite.Configuration;

/// <summary>Validated SQLite settings (<c>database.path</c> and <c>database.sqlite.*</c>).</summary>
public sealed class SqliteOptions
{
    private readonly string? _configuredPath;

    /// <summary>
    /// Real, absolute path of the database file (every symbolic link resolved), or
    /// <c>:memory:</c>. Everything beside the database (<c>-wal</c>, <c>-shm</c>, lock files) and
    /// the filesystem probe start from it.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>The path as configured, made absolute but with its links unresolved; <see cref="Path"/> when not set.</summary>
    public string ConfiguredPath
    {
        get => _configuredPath ?? Path;
        init => _configuredPath = value;
    }

    /// <summary>Whether the database lives in memory for the life of the host.</summary>
    public bool IsInMemory => Path == SqliteConfigurationKeys.InMemoryPath;

    /// <summary>Configured journal mode; a network filesystem opt-in turns WAL into DELETE at open.</summary>
    public SqliteJournalMode JournalMode { get; init; } = SqliteJournalMode.Wal;

    /// <summary>Synchronous mode.</summary>
    public SqliteSynchronousMode Synchronous { get; init; } = SqliteSynchronousMode.Full;

    /// <summary>How long a connection waits for another connection's lock.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>WAL size kept after a checkpoint resets it, in bytes.</summary>
    public long JournalSizeLimit { get; init; } = 64L << 20;

    /// <summary>Page cache per connection, in bytes.</summary>
    public long CacheSize { get; init; } = 32L << 20;

    /// <summary>Memory-mapped I/O size, in bytes (0: off).</summary>
    public long MmapSize { get; init; }

    /// <summary>Whether foreign keys are enforced.</summary>
    public bool ForeignKeys { get; init; } = true;

    /// <summary>Interval of the periodic checkpoint.</summary>
    public TimeSpan WalCheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>WAL size in bytes above which the periodic checkpoint truncates.</summary>
    public long WalCheckpointTruncateThreshold { get; init; } = 64L << 20;

    /// <summary>Integrity check before serving.</summary>
    public IntegrityCheckLevel IntegrityCheckOnStartup { get; init; } = IntegrityCheckLevel.Quick;

    /// <summary>Interval of the periodic <c>quick_check</c> in <c>compozy start</c>; <see langword="null"/>: none.</summary>
    public TimeSpan? IntegrityCheckInterval { get; init; }

    /// <summary>Whether a start that finds the database damaged recovers it from its newest verified backup (<c>recover_on_start</c>).</summary>
    public bool RecoverOnStart { get; init; }

    /// <summary>Whether shutdown runs maintenance before the final checkpoint.</summary>
    public bool MaintenanceOnShutdown { get; init; } = true;

    /// <summary>Bound on shutdown maintenance and the final checkpoint.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether concurrent writes are committed in batches.</summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>Most writes in one batch.</summary>
    public int GroupCommitMaxBatch { get; init; } = 256;

    /// <summary>Most writes waiting for the writer.</summary>
    public int WriterQueueCapacity { get; init; } = 4096;

    /// <summary>Whether a network filesystem is accepted (in DELETE + EXCLUSIVE mode).</summary>
    public bool AllowNetworkFilesystem { get; init; }

    /// <summary>Whether the filesystem probe decides (<see cref="SqliteFileSystemKind.Auto"/>) or the operator declared the filesystem local.</summary>
    public SqliteFileSystemKind FileSystem { get; init; } = SqliteFileSystemKind.Auto;

    /// <summary>Interval of scheduled backups in <c>compozy start</c>; <see langword="null"/>: none.</summary>
    public TimeSpan? BackupInterval { get; init; }

    /// <summary>
    /// Absolute directory of backups (scheduled, before migrations, <c>db backup</c> without
    /// <c>--out</c>); empty for <c>backups</c> beside the database file.
    /// </summary>
    public string BackupDirectory { get; init; } = string.Empty;

    /// <summary>Scheduled backups kept by rotation.</summary>
    public int BackupKeep { get; init; } = 7;
}
