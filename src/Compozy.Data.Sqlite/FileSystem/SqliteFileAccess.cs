namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Checks, before SQLite opens anything, that this process may use the database's files as it is
/// about to, and says exactly what is wrong when it may not: which path, its owner and mode, and
/// who this process runs as. Without it SQLite reports only "unable to open database file", and
/// EF reads an unreadable database as one with no migrations applied.
/// </summary>
/// <remarks>
/// Access is asked of the kernel for this process's effective ids (<c>faccessat</c> with
/// <c>AT_EACCESS</c>), so root's override, ACLs, read-only mounts and immutable files count as
/// they will when SQLite opens the file.
/// </remarks>
internal static class SqliteFileAccess
{
    /// <summary>
    /// For the writer: every directory on the way searchable, the database's directory (or the
    /// nearest one that exists, when directories are still to be created) writable, because SQLite
    /// creates its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files there; the database and
    /// every file beside it that exists readable and writable.
    /// </summary>
    /// <exception cref="SqliteAccessDeniedException">Something is not accessible.</exception>
    public static void EnsureWritable(SqliteDatabaseFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!UnixFiles.IsSupported)
        {
            return;
        }

        var directory = NearestExistingDirectory(files.Directory, files.Database);
        Require(directory, UnixAccess.Write | UnixAccess.Execute, files.Database,
            directory == files.Directory
                ? $"create files in it (SQLite keeps {Path.GetFileName(files.Wal)}, {Path.GetFileName(files.Shm)} and {Path.GetFileName(files.Journal)} beside the database)"
                : $"create the missing directories of {files.Database} in it");
        foreach (var path in new[] { files.Database }.Concat(files.Companions))
        {
            RequireIfExists(path, UnixAccess.Read | UnixAccess.Write, "read and write it");
        }
    }

    /// <summary>
    /// For a connection that only reads: every directory on the way searchable and the database
    /// readable; in WAL mode the <c>-wal</c> and <c>-shm</c> files readable, or the directory
    /// writable when SQLite still has to create them.
    /// </summary>
    /// <exception cref="SqliteAccessDeniedException">Something is not accessible.</exception>
    public static void EnsureReadable(SqliteDatabaseFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!UnixFiles.IsSupported)
        {
            return;
        }

        var directory = NearestExistingDirectory(files.Directory, files.Database);
        if (directory != files.Directory || !RequireIfExists(files.Database, UnixAccess.Read, "read it"))
        {
            return;
        }

        if (!IsInWalMode(files.Database))
        {
            return;
        }

        var missing = new[] { files.Wal, files.Shm }.Where(path => !File.Exists(path)).ToList();
        if (missing.Count > 0)
        {
            Require(directory, UnixAccess.Write | UnixAccess.Execute, files.Database,
                $"create {string.Join(" and ", missing.Select(Path.GetFileName))} in it (SQLite needs them to read a database in WAL mode)");
        }

        RequireIfExists(files.Wal, UnixAccess.Read, "read it (the database is in WAL mode)");
        RequireIfExists(files.Shm, UnixAccess.Read, "read it (the database is in WAL mode)");
    }

    /// <summary>The database's directory, or its nearest existing parent; checks that each one on the way can be searched.</summary>
    private static string NearestExistingDirectory(string directory, string databasePath)
    {
        // Walk down from the root so that the first directory that blocks the way is the one named.
        var chain = new Stack<string>();
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            chain.Push(current);
        }

        var nearest = chain.Peek();
        while (chain.TryPop(out var next))
        {
            var error = UnixFiles.TryStat(next, out var status);
            if (error == UnixFiles.NoSuchFile)
            {
                break;
            }

            if (error == 0 && status.IsDirectory)
            {
                Require(next, UnixAccess.Execute, databasePath, $"reach {databasePath} through it");
                nearest = next;
            }
        }

        return nearest;
    }

    /// <summary>Whether the database's header says WAL mode; false when it cannot be read.</summary>
    public static bool IsInWalMode(string databasePath)
    {
        // Bytes 18 and 19 of the header (file format write and read versions) are 2 in WAL mode.
        Span<byte> header = stackalloc byte[20];
        try
        {
            using var stream = new FileStream(databasePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && (header[18] == 2 || header[19] == 2);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Checks a path that may not exist; returns whether it exists.</summary>
    private static bool RequireIfExists(string path, UnixAccess access, string need)
    {
        var error = UnixFiles.CheckAccess(path, access);
        if (error == UnixFiles.NoSuchFile)
        {
            return false;
        }

        if (error != 0)
        {
            throw Denied(path, error, need);
        }

        return true;
    }

    private static void Require(string path, UnixAccess access, string databasePath, string need)
    {
        var error = UnixFiles.CheckAccess(path, access);
        if (error != 0 && error != UnixFiles.NoSuchFile)
        {
            throw Denied(path, error, need, databasePath);
        }
    }

    private static SqliteAccessDeniedException Denied(string path, int error, string need, string? databasePath = null)
    {
        var what = UnixFiles.TryStat(path, out var status) == 0 && status.IsDirectory ? "the directory " : string.Empty;
        var user = $"this process runs as {UnixFiles.DescribeUser(UnixFiles.EffectiveUserId)}, {UnixFiles.DescribeGroup(UnixFiles.EffectiveGroupId)}";
        var message = error switch
        {
            UnixFiles.ReadOnlyFileSystem =>
                $"read-only filesystem: {what}{path} is on a filesystem mounted read-only, and this process needs to {need}. " +
                "Fix: mount it read-write, or set database.path to a file on a writable disk",
            UnixFiles.NotPermitted =>
                $"operation not permitted: {what}{path} has the immutable or append-only attribute (see lsattr), so no one may change it, " +
                $"and this process needs to {need}. Fix: remove the attribute (chattr -i or chattr -a) if it was not set on purpose",
            UnixFiles.PermissionDenied when UnixFiles.TryStat(path, out var owned) == 0 =>
                $"permission denied: {what}{path} is owned by {UnixFiles.DescribeUser(owned.OwnerId)}, {UnixFiles.DescribeGroup(owned.GroupId)} " +
                $"with mode {UnixFiles.DescribeMode(owned.Permissions)}; {user} and needs to {need}. " +
                "Fix: run compozy as the user that owns the database, or give this user access (chown or chmod)",
            _ => $"cannot access {what}{path}: {UnixFiles.Describe(error)}; {user} and needs to {need}",
        };
        if (databasePath is not null && databasePath != path && !message.Contains(databasePath, StringComparison.Ordinal))
        {
            message += $" (database {databasePath})";
        }

        return new SqliteAccessDeniedException(message, path);
    }
}
