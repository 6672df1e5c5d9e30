namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// Resolves every symbolic link of a database path, in its directories and in the file itself,
/// also for a file that does not exist yet (its directory is resolved, and a dangling link is
/// followed to where it points). SQLite follows links itself when it names its <c>-wal</c> and
/// <c>-shm</c> files, so everything this layer derives from the path (the filesystem probe, the
/// WAL size, checkpoints, status, locks) must start from the same real path.
/// </summary>
internal static class RealPathResolver
{
    // The kernel's own limit on links followed in one lookup (MAXSYMLINKS).
    private const int MaxLinks = 40;

    /// <summary>
    /// The real path of the absolute <paramref name="fullPath"/>. Returns <see langword="null"/>
    /// with errno <see cref="UnixFiles.TooManySymbolicLinks"/> for a link loop. A path that cannot
    /// be resolved for another reason (a directory this process cannot search, an unsupported
    /// system) comes back as it was, for the access check to report.
    /// </summary>
    public static string? Resolve(string fullPath, out int error)
    {
        error = 0;
        if (!UnixFiles.IsSupported)
        {
            return fullPath;
        }

        var missing = new Stack<string>();
        var current = fullPath;
        for (var links = 0; ;)
        {
            var real = UnixFiles.RealPath(current, out var failure);
            if (real is not null)
            {
                return missing.Aggregate(real, Path.Join);
            }

            if (failure == UnixFiles.TooManySymbolicLinks)
            {
                error = failure;
                return null;
            }

            if (failure != UnixFiles.NoSuchFile)
            {
                return fullPath;
            }

            if (new FileInfo(current).LinkTarget is { } target)
            {
                // A dangling link: SQLite would create the file where it points.
                if (++links > MaxLinks)
                {
                    error = UnixFiles.TooManySymbolicLinks;
                    return null;
                }

                current = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
                continue;
            }

            var parent = Path.GetDirectoryName(current);
            if (parent is null)
            {
                return fullPath;
            }

            missing.Push(Path.GetFileName(current));
            current = parent;
        }
    }
}
