namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// The files of one SQLite database, all named from its real path (symbolic links resolved):
/// the database, the files SQLite keeps beside it, the lock files of this layer, and the copies
/// a host saves when the database file disappears under it.
/// </summary>
internal sealed class SqliteDatabaseFiles
{
    /// <summary>Suffix of the copy a host saves of a database whose file was deleted or replaced under it.</summary>
    public const string LostCopyInfix = ".lost-";

    /// <summary>Names the files of the database at <paramref name="databasePath"/> (an absolute, resolved path).</summary>
    public SqliteDatabaseFiles(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        Database = databasePath;
        Directory = Path.GetDirectoryName(databasePath)!;
    }

    /// <summary>The database file.</summary>
    public string Database { get; }

    /// <summary>The directory of the database file.</summary>
    public string Directory { get; }

    /// <summary>The write-ahead log.</summary>
    public string Wal => Database + "-wal";

    /// <summary>The WAL index SQLite shares between connections.</summary>
    public string Shm => Database + "-shm";

    /// <summary>The rollback journal (journal_mode DELETE).</summary>
    public string Journal => Database + "-journal";

    /// <summary>The lock file of writer turns.</summary>
    public string WriterLock => Database + ".writer-lock";

    /// <summary>The lock file of migration runs.</summary>
    public string MigrationLock => Database + ".migrate-lock";

    /// <summary>Files SQLite or this layer creates beside the database, and that only a database that existed leaves behind.</summary>
    public IReadOnlyList<string> Companions => [Wal, Shm, Journal, WriterLock, MigrationLock];

    /// <summary>The name of a new lost-file copy, stamped with <paramref name="time"/>.</summary>
    public string LostCopy(DateTimeOffset time) =>
        Database + LostCopyInfix + time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Copies saved by hosts that saw this database file disappear, oldest first.</summary>
    public IReadOnlyList<string> LostCopies()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        try
        {
            return System.IO.Directory.EnumerateFiles(Directory, Path.GetFileName(Database) + LostCopyInfix + "*")
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
