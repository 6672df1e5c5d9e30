using Compozy.Data.Sqlite.Configuration;
using Compozy.Data.Sqlite.FileSystem;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Decides how the database is opened (<see cref="Mode"/>), builds the writer's and the readers'
/// connection strings, and creates the database file with owner-only permissions before SQLite
/// does.
/// </summary>
/// <remarks>
/// <c>:memory:</c> becomes a named database on SQLite's <c>memdb</c> VFS, unique to this factory
/// (so to this host): every connection of the host sees the same data, and parallel hosts in one
/// process never share it. It lives while the writer connection is open, that is, for the
/// host's life. Unlike shared-cache memory databases, <c>memdb</c> uses ordinary file locking, so
/// readers wait with <c>busy_timeout</c> instead of failing with <c>SQLITE_LOCKED</c>.
/// </remarks>
public sealed partial class SqliteConnectionFactory
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SqliteOptions _options;
    private readonly Lazy<SqliteStorageMode> _mode;
    private readonly Lazy<(string Writer, string Reader)> _connectionStrings;
    private readonly string _memoryName = $"file:/compozy-{Guid.NewGuid():N}?vfs=memdb";

    /// <summary>Creates the factory for the configured database. Nothing is probed or opened yet.</summary>
    public SqliteConnectionFactory(IOptions<SqliteOptions> options, IFileSystemProbe probe, ILogger<SqliteConnectionFactory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _mode = new Lazy<SqliteStorageMode>(() => DecideMode(probe, logger));
        _connectionStrings = new Lazy<(string, string)>(BuildConnectionStrings);
    }

    /// <summary>The settings this factory serves.</summary>
    public SqliteOptions Options => _options;

    /// <summary>How the database is opened.</summary>
    /// <exception cref="NetworkFilesystemRefusedException">The directory is on a network filesystem without the opt-in.</exception>
    public SqliteStorageMode Mode => _mode.Value;

    /// <summary>Connection string of the single writer (unpooled: it stays open for the host's life).</summary>
    public string WriterConnectionString => _connectionStrings.Value.Writer;

    /// <summary>Connection string of read connections (pooled).</summary>
    public string ReaderConnectionString => _connectionStrings.Value.Reader;

    /// <summary>The <c>-wal</c> file of a file database, or <see langword="null"/> in memory.</summary>
    public string? WalPath => _options.IsInMemory ? null : _options.Path + "-wal";

    /// <summary>Size of the <c>-wal</c> file in bytes (0 when absent).</summary>
    public long WalSize => WalPath is { } path && File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>
    /// Creates the missing parent directories (mode 0700) and an empty database file (mode 0600)
    /// when they do not exist, so SQLite never creates them with the process umask. SQLite gives its
    /// <c>-wal</c> and <c>-shm</c> files the database file's mode. Existing directories and files
    /// keep their permissions.
    /// </summary>
    public void EnsureDatabaseFile()
    {
        if (_options.IsInMemory || File.Exists(_options.Path))
        {
            return;
        }

        _ = Mode;
        CreateMissingDirectories(Path.GetDirectoryName(_options.Path)!);

        var streamOptions = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = FileMode;
        }

        try
        {
            using var _ = new FileStream(_options.Path, streamOptions);
        }
        catch (IOException) when (File.Exists(_options.Path))
        {
            // Another process created it between the check and the create; its mode stands.
        }
    }

    /// <summary>Path of the lock file that serialises migration runs across processes.</summary>
    internal static string? MigrationLockPath(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return dataSource.StartsWith("file:", StringComparison.Ordinal) || dataSource == SqliteConfigurationKeys.InMemoryPath
            ? null
            : dataSource + ".migrate-lock";
    }

    // Directory.CreateDirectory(path, mode) gives the mode to the last directory only; every
    // directory this layer creates must be private, so each missing one is created in turn.
    private static void CreateMissingDirectories(string directory)
    {
        var missing = new Stack<string>();
        for (var current = directory; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(next);
            }
            else
            {
                Directory.CreateDirectory(next, DirectoryMode);
            }
        }
    }

    private SqliteStorageMode DecideMode(IFileSystemProbe probe, ILogger logger)
    {
        if (_options.IsInMemory)
        {
            return new SqliteStorageMode(new FileSystemType("memory", 0, IsNetwork: false), SqliteJournalMode.Delete, ExclusiveLocking: false);
        }

        var directory = Path.GetDirectoryName(_options.Path)!;
        var fileSystem = probe.Probe(directory);
        LogProbe(logger, directory, fileSystem);
        if (!fileSystem.IsNetwork)
        {
            return new SqliteStorageMode(fileSystem, _options.JournalMode, ExclusiveLocking: false);
        }

        if (!_options.AllowNetworkFilesystem)
        {
            throw new NetworkFilesystemRefusedException(directory, fileSystem.Name);
        }

        LogNetworkFallback(logger, directory, fileSystem.Name);
        return new SqliteStorageMode(fileSystem, SqliteJournalMode.Delete, ExclusiveLocking: true);
    }

    private (string Writer, string Reader) BuildConnectionStrings()
    {
        var commandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds));
        var dataSource = _options.IsInMemory ? _memoryName : _options.Path;

        // Under EXCLUSIVE locking no other connection can read the file; sharing the writer's
        // cache lets readers in (they then wait on table locks instead of file locks).
        var cache = Mode.ExclusiveLocking ? SqliteCacheMode.Shared : SqliteCacheMode.Private;
        var writer = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = cache,
            Pooling = false,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();

        // Readers never create the file: if it vanished under a running host, failing is right and
        // silently reading a new empty database is not. They are pooled; a private cache keeps
        // each its own pages (a shared cache would turn lock waits into SQLITE_LOCKED errors).
        var reader = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = _options.IsInMemory ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = cache,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        return (writer, reader);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "startup filesystem probe: {Directory} is on {FileSystem}")]
    private static partial void LogProbe(ILogger logger, string directory, FileSystemType fileSystem);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "the database directory {Directory} is on {FileSystem}, a network filesystem; allow_network_filesystem is set, so SQLite runs in journal_mode DELETE with locking_mode EXCLUSIVE: one process only, and readers wait for the writer")]
    private static partial void LogNetworkFallback(ILogger logger, string directory, string fileSystem);
}
