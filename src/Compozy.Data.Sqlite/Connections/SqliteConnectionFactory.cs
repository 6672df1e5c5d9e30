using System.Globalization;
using Compozy.Data.Sqlite.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Sqlite.Connections;

/// <summary>
/// Builds the writer's and the readers' connection strings and creates the database file with
/// owner-only permissions before SQLite does.
/// </summary>
/// <remarks>
/// <c>:memory:</c> becomes a named database on SQLite's <c>memdb</c> VFS, unique to this factory
/// (so to this host): every connection of the host sees the same data, and parallel hosts in one
/// process never share it. It lives while the writer connection is open, that is, for the
/// host's life. Unlike shared-cache memory databases, <c>memdb</c> uses ordinary file locking, so
/// readers wait with <c>busy_timeout</c> instead of failing with <c>SQLITE_LOCKED</c>.
/// </remarks>
public sealed class SqliteConnectionFactory
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SqliteOptions _options;

    /// <summary>Creates the factory for the configured database.</summary>
    public SqliteConnectionFactory(IOptions<SqliteOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var dataSource = _options.IsInMemory
            ? $"file:/compozy-{Guid.NewGuid():N}?vfs=memdb"
            : _options.Path;
        var commandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds));

        WriterConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();

        // Readers never create the file: if it vanished under a running host, failing is right and
        // silently reading a new empty database is not. They are pooled; Cache=Private keeps each
        // its own page cache (shared cache would turn lock waits into SQLITE_LOCKED errors).
        ReaderConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = _options.IsInMemory ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
    }

    /// <summary>The settings this factory serves.</summary>
    public SqliteOptions Options => _options;

    /// <summary>Connection string of the single writer (unpooled: it stays open for the host's life).</summary>
    public string WriterConnectionString { get; }

    /// <summary>Connection string of read connections (pooled).</summary>
    public string ReaderConnectionString { get; }

    /// <summary>Whether the database file exists (always true in memory).</summary>
    public bool DatabaseExists => _options.IsInMemory || File.Exists(_options.Path);

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

    /// <summary>Path of the lock file that serialises migration runs across processes.</summary>
    internal static string? MigrationLockPath(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return dataSource.StartsWith("file:", StringComparison.Ordinal) || dataSource == SqliteConfigurationKeys.InMemoryPath
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{dataSource}.migrate-lock");
    }
}
