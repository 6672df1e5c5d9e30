namespace Compozy.Data.Files;

/// <summary>
/// Opens the files the layer creates beside a database (locks, backups, dumps, copies of a lost
/// database): a file it creates is readable and writable by its owner only (0600), whatever the
/// process's umask, because such files hold the data or say who uses it.
/// </summary>
public static class PrivateFile
{
    /// <summary>Owner read and write: the mode of every file the layer creates.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Opens <paramref name="path"/>; when <paramref name="mode"/> creates it, it is created owner-only.
    /// A file that already exists keeps its permissions.
    /// </summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share = FileShare.Read, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows() && access.HasFlag(FileAccess.Write))
        {
            options.UnixCreateMode = Mode;
        }

        return new FileStream(path, options);
    }
}
