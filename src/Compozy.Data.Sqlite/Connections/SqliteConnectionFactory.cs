using Compozy.Data.Files;
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
internal sealed partial class SqliteConnectionFactory
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SqliteOptions _options;
    private readonly SqliteDatabaseFiles? _files;
    private readonly Lazy<SqliteStorageMode> _mode;
    private readonly Lazy<(string Writer, string Reader)> _connectionStrings;
    private readonly string _memoryName = $"file:/compozy-{Guid.NewGuid():N}?vfs=memdb";

    /// <summary>Creates the factory for the configured database. Nothing is probed or opened yet.</summary>
    public SqliteConnectionFactory(IOptions<SqliteOptions> options, IFileSystemProbe probe, ILogger<SqliteConnectionFactory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _files = _options.IsInMemory ? null : new SqliteDatabaseFiles(_options.Path);
        if (_options.ConfiguredPath != _options.Path)
        {
            LogResolvedPath(logger, _options.ConfiguredPath, _options.Path);
        }

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

    /// <summary>The files of a file database, named from its real path; <see langword="null"/> in memory.</summary>
    public SqliteDatabaseFiles? Files => _files;

    /// <summary>The <c>-wal</c> file of a file database, or <see langword="null"/> in memory.</summary>
    public string? WalPath => _files?.Wal;

    /// <summary>Size of the <c>-wal</c> file in bytes (0 when absent).</summary>
    public long WalSize => WalPath is { } path && File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>
    /// Prepares the database file for the writer, the one place where this layer creates a
    /// database: refuses a missing database that leftovers show existed
    /// (<see cref="SqliteMissingDatabase"/>), checks that this process may read and write
    /// everything it needs (<see cref="SqliteFileAccess"/>), creates the missing parent
    /// directories (mode 0700) and an empty database file (mode 0600) so SQLite never creates them
    /// with the process umask, and keeps the <c>-wal</c> and <c>-shm</c> files no more readable
    /// than the database (<see cref="SqliteCompanionFiles"/>). Existing directories and files keep
    /// their permissions.
    /// </summary>
    /// <exception cref="Compozy.Data.Operations.DatabaseIntegrityException">The database is missing but was expected.</exception>
    /// <exception cref="SqliteAccessDeniedException">This process may not use a file or directory the database needs.</exception>
    public void EnsureDatabaseFile()
    {
        if (_files is null)
        {
            return;
        }

        _ = Mode;
        SqliteFileAccess.EnsureWritable(_files);
        if (File.Exists(_files.Database))
        {
            SqliteCompanionFiles.Protect(_files, walMode: Mode.JournalMode == SqliteJournalMode.Wal);
            return;
        }

        SqliteMissingDatabase.ThrowIfExpected(_files);
        CreateMissingDirectories(_files.Directory);

        try
        {
            using var _ = PrivateFile.Open(_files.Database, System.IO.FileMode.CreateNew, FileAccess.Write);
        }
        catch (IOException) when (File.Exists(_files.Database))
        {
            // Another process created it between the check and the create; its mode stands.
        }
    }

    /// <summary>
    /// Before a connection that only reads opens the database: checks that this process may read
    /// what it needs (<see cref="SqliteFileAccess"/>), and keeps the <c>-wal</c> and <c>-shm</c>
    /// SQLite is about to create no more readable than the database.
    /// </summary>
    /// <exception cref="SqliteAccessDeniedException">This process may not read a file or directory the database needs.</exception>
    public void EnsureReadable()
    {
        if (_files is null)
        {
            return;
        }

        // Reads need no storage mode: a read-only command (db status) must work where the writer would be refused.
        SqliteFileAccess.EnsureReadable(_files);
        try
        {
            SqliteCompanionFiles.Protect(_files, walMode: SqliteFileAccess.IsInWalMode(_files.Database));
        }
        catch (SqliteAccessDeniedException)
        {
            // A reader that may not narrow another user's files can still read; the writer, which
            // must, refuses to open instead.
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

        var directory = _files!.Directory;
        var fileSystem = probe.Probe(directory);
        LogProbe(logger, directory, fileSystem);
        if (!fileSystem.IsNetwork)
        {
            return new SqliteStorageMode(fileSystem, _options.JournalMode, ExclusiveLocking: false);
        }

        if (_options.FileSystem == SqliteFileSystemKind.Local)
        {
            LogDeclaredLocal(logger, directory, fileSystem.Name);
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
        // The writer does not create the file either: EnsureDatabaseFile does, after its checks, and
        // a file that vanished between the two must fail the open rather than come back empty.
        var writer = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = _options.IsInMemory ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
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

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "database.path {ConfiguredPath} resolves to {RealPath} through symbolic links; the filesystem probe, the -wal, -shm and lock files, and every size and status use the real path")]
    private static partial void LogResolvedPath(ILogger logger, string configuredPath, string realPath);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "the database directory {Directory} is on {FileSystem}, which the filesystem probe counts as a network filesystem; database.sqlite.filesystem is local, so SQLite keeps journal_mode WAL as on a local disk. This is safe only when the filesystem runs on this host and supports shared memory maps and POSIX locks (a local FUSE filesystem such as gocryptfs); on a filesystem shared over a network WAL can corrupt the database")]
    private static partial void LogDeclaredLocal(ILogger logger, string directory, string fileSystem);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "the database directory {Directory} is on {FileSystem}, a network filesystem; allow_network_filesystem is set, so SQLite runs in journal_mode DELETE with locking_mode EXCLUSIVE: one process only, and readers wait for the writer")]
    private static partial void LogNetworkFallback(ILogger logger, string directory, string fileSystem);
}
