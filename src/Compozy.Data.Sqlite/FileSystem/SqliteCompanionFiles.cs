using System.Runtime.Versioning;
using Compozy.Data.Files;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Keeps the files SQLite creates beside a database (<c>-wal</c>, <c>-shm</c>, <c>-journal</c>)
/// no more readable than the database itself: they hold the same data.
/// </summary>
/// <remarks>
/// SQLite gives a new <c>-wal</c>, <c>-shm</c> or <c>-journal</c> the database file's permission
/// bits, whatever the umask, and as root its owner too; but when the database's mode is
/// <c>000</c> it falls back to <c>0644</c> less the umask, readable by everyone. So, for a database
/// in WAL mode whose mode is <c>000</c>, this creates the missing <c>-wal</c> and <c>-shm</c> as
/// <c>0600</c> (owned by the database's owner) before SQLite opens them, and it narrows any of the
/// three that already exists with more permissions than the database has (<c>0600</c> for a
/// database at <c>000</c>). A <c>-journal</c> (journal_mode DELETE) is created and deleted by
/// SQLite within each transaction, so with a database at <c>000</c> it is briefly <c>0644</c>
/// less the umask; give the database a mode such as <c>0600</c> to avoid that.
/// </remarks>
internal static class SqliteCompanionFiles
{
    private const UnixFileMode ReadWrite =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Permissions = ReadWrite |
        UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute |
        UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit;

    /// <summary>The mode a companion of a database with <paramref name="databaseMode"/> may have at most.</summary>
    public static UnixFileMode AllowedMode(UnixFileMode databaseMode)
    {
        var allowed = databaseMode & ReadWrite;
        return allowed == 0 ? OwnerOnly : allowed;
    }

    /// <summary>Creates or narrows the companions as described above; <paramref name="walMode"/> says whether SQLite will open a WAL.</summary>
    /// <exception cref="SqliteAccessDeniedException">A companion is more readable than the database and this process may not change it.</exception>
    public static void Protect(SqliteDatabaseFiles files, bool walMode)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!UnixFiles.IsSupported || UnixFiles.TryStat(files.Database, out var database) != 0)
        {
            return;
        }

        var allowed = AllowedMode(database.Permissions);
        foreach (var path in new[] { files.Wal, files.Shm, files.Journal })
        {
            if (UnixFiles.TryStat(path, out var companion, followLink: false) == 0)
            {
                if (companion.IsRegularFile && (companion.Permissions & ~allowed & Permissions) != 0)
                {
                    Narrow(path, companion.Permissions & allowed, database);
                }
            }
            else if (walMode && (database.Permissions & ReadWrite) == 0 && path != files.Journal)
            {
                Create(path, database);
            }
        }
    }

    [SupportedOSPlatform("linux")]
    private static void Narrow(string path, UnixFileMode mode, UnixFileStatus database)
    {
        try
        {
            File.SetUnixFileMode(path, mode == 0 ? OwnerOnly : mode);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new SqliteAccessDeniedException(
                $"{path} is more readable than its database (mode {UnixFiles.DescribeMode(File.GetUnixFileMode(path))}, the database " +
                $"{UnixFiles.DescribeMode(database.Permissions)}) and this process may not change it: {exception.Message}. " +
                $"Fix: chmod {UnixFiles.DescribeMode(mode == 0 ? OwnerOnly : mode)} {path}",
                path);
        }
    }

    [SupportedOSPlatform("linux")]
    private static void Create(string path, UnixFileStatus database)
    {
        try
        {
            using (PrivateFile.Open(path, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // SQLite or another process created it first; its mode is narrowed on the next open.
            return;
        }

        // As root, SQLite gives what it creates the database's owner; do the same.
        if (UnixFiles.EffectiveUserId == 0 && database.OwnerId != 0)
        {
            UnixFiles.ChangeOwner(path, database.OwnerId, database.GroupId);
        }
    }
}
