using Compozy.Data.Operations;

namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// The rule that keeps a lost database from being silently replaced by a new, empty one: a
/// database is expected at a path when files that only an existing database leaves behind
/// (<c>-wal</c>, <c>-shm</c>, <c>-journal</c>, <c>.writer-lock</c>, <c>.migrate-lock</c>) are
/// beside it. A missing file there is refused instead of created; a path that never held a
/// database has none of them, and its database is created as before.
/// </summary>
internal static class SqliteMissingDatabase
{
    /// <summary>The leftovers that make the database expected, when its file is missing; empty otherwise.</summary>
    public static IReadOnlyList<string> FindLeftovers(SqliteDatabaseFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (File.Exists(files.Database) || !Directory.Exists(files.Directory))
        {
            return [];
        }

        return files.Companions.Where(path => File.Exists(path) || new FileInfo(path).LinkTarget is not null).ToList();
    }

    /// <summary>Refuses a missing database that was expected, naming the path, the leftovers and what to do.</summary>
    /// <exception cref="DatabaseIntegrityException">The database file is missing and leftovers show one was there.</exception>
    public static void ThrowIfExpected(SqliteDatabaseFiles files)
    {
        var leftovers = FindLeftovers(files);
        if (leftovers.Count > 0)
        {
            throw new DatabaseIntegrityException(Describe(files, leftovers), leftovers);
        }
    }

    /// <summary>
    /// Before reading a database that may not exist yet (the migration history): the files must be
    /// readable, and a missing file is refused when leftovers show one was there.
    /// </summary>
    /// <returns>Whether the database file exists; when it does not, there is nothing to read and nothing may be created.</returns>
    /// <exception cref="SqliteAccessDeniedException">This process may not read a file or directory the database needs.</exception>
    /// <exception cref="DatabaseIntegrityException">The database file is missing and leftovers show one was there.</exception>
    public static bool ExistsForReading(SqliteDatabaseFiles files)
    {
        SqliteFileAccess.EnsureReadable(files);
        if (File.Exists(files.Database))
        {
            return true;
        }

        ThrowIfExpected(files);
        return false;
    }

    /// <summary>The explanation of a missing database: what shows it was there, and the two ways out.</summary>
    public static string Describe(SqliteDatabaseFiles files, IReadOnlyList<string> leftovers)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(leftovers);
        var copies = files.LostCopies();
        var staleLog = leftovers.Where(path => path == files.Wal || path == files.Shm).ToList();
        var first = staleLog.Count > 0
            ? $"first move {string.Join(" and ", staleLog.Select(Path.GetFileName))} aside (they belong to the file that is gone, and a WAL applied to another copy of the database damages it), then "
            : string.Empty;
        var restore = copies.Count > 0
            ? $"put the database file back at {files.Database}, for example the copy saved by the host that saw it disappear: mv {Quote(copies[^1])} {Quote(files.Database)}"
            : $"put the database file back at {files.Database} from a backup, or mount the disk that holds it";
        return $"the SQLite database {files.Database} does not exist, but files beside it show that a database was there:\n" +
            $"  {string.Join("\n  ", leftovers)}\n" +
            "Nothing was created: a new, empty database there would hide the loss. The file was deleted, moved or renamed, " +
            "or the disk that holds it is not mounted.\n" +
            $"To get it back: {first}{restore}.\n" +
            $"To start over with a new, empty database (the old data is gone): rm -- {string.Join(' ', leftovers.Select(Quote))}";
    }

    private static string Quote(string path) =>
        path.All(character => char.IsAsciiLetterOrDigit(character) || "/._-+:@,".Contains(character, StringComparison.Ordinal))
            ? path
            : $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
