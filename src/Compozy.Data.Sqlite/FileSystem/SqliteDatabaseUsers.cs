using System.Globalization;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Which other processes have a SQLite database open in WAL mode, read from the record locks
/// SQLite keeps on the WAL index: every process with a connection to the database holds a read
/// lock on one byte of <c>&lt;db&gt;-shm</c> (the "dead man switch") for as long as it has the
/// index mapped.
/// </summary>
/// <remarks>
/// The locks are read from <c>/proc/locks</c> rather than asked for with <c>fcntl(F_GETLK)</c>:
/// asking needs a descriptor of the <c>-shm</c> file, and closing that descriptor would drop every
/// POSIX lock this process's own SQLite connections hold on it. Nothing available in .NET or
/// SQLite answers the question, hence this small reader.
/// </remarks>
internal static class SqliteDatabaseUsers
{
    // UNIX_SHM_DMS in SQLite's os_unix.c: (22 + SQLITE_SHM_NLOCK) * 4 + SQLITE_SHM_NLOCK, with SQLITE_SHM_NLOCK = 8.
    private const long DeadManSwitchOffset = 128;
    private const string ProcLocks = "/proc/locks";

    /// <summary>
    /// The ids of the other processes that have the database open, empty when none has;
    /// <see langword="null"/> when it cannot be known here (not Linux, or <c>/proc/locks</c> unreadable).
    /// </summary>
    public static IReadOnlyList<int>? OtherProcesses(SqliteDatabaseFiles files)
    {
        if (!UnixFiles.IsSupported)
        {
            return null;
        }

        if (UnixFiles.TryStat(files.Shm, out var shm) != 0)
        {
            // No WAL index: no process has the database open in WAL mode.
            return [];
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(ProcLocks);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return HoldersOf(lines, shm.Identity, Environment.ProcessId);
    }

    /// <summary>The processes other than <paramref name="self"/> that hold a POSIX lock on the dead man switch byte of <paramref name="shm"/>.</summary>
    internal static IReadOnlyList<int> HoldersOf(IEnumerable<string> procLocksLines, FileIdentity shm, int self)
    {
        var holders = new SortedSet<int>();
        foreach (var line in procLocksLines)
        {
            // "12: POSIX  ADVISORY  READ 6008 fe:00:11780670 128 128"; a waiter's line has "->" after the id.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 8 || fields[1] != "POSIX"
                || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self
                || !IsFile(fields[5], shm)
                || !long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var start) || start > DeadManSwitchOffset)
            {
                continue;
            }

            if (fields[7] == "EOF" || (long.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var end) && end >= DeadManSwitchOffset))
            {
                holders.Add(pid);
            }
        }

        return [.. holders];
    }

    private static bool IsFile(string deviceAndInode, FileIdentity identity)
    {
        var parts = deviceAndInode.Split(':');
        return parts.Length == 3
            && uint.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var major) && major == identity.DeviceMajor
            && uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var minor) && minor == identity.DeviceMinor
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) && inode == identity.Inode;
    }
}
