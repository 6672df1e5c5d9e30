namespace Compozy.Data.Sqlite.Connections;

/// <summary>The database directory is on a network filesystem and the opt-in is not set; nothing was opened.</summary>
public sealed class NetworkFilesystemRefusedException : InvalidOperationException
{
    /// <summary>Creates the refusal for <paramref name="directory"/> on <paramref name="fileSystem"/>.</summary>
    public NetworkFilesystemRefusedException(string directory, string fileSystem)
        : base(
            $"the SQLite database directory {directory} is on {fileSystem}, a network filesystem: WAL needs shared memory " +
            "and reliable locks on one host, and can corrupt the database there. Fix: put database.path on a local disk, " +
            "or use database.driver: postgres, or set database.sqlite.allow_network_filesystem: true to run in " +
            "journal_mode DELETE with locking_mode EXCLUSIVE (one process, slower, no concurrent readers). " +
            "If this filesystem runs on this host (a local FUSE filesystem such as gocryptfs), set database.sqlite.filesystem: local to keep WAL")
    {
        Directory = directory;
        FileSystem = fileSystem;
    }

    /// <summary>Creates the exception.</summary>
    public NetworkFilesystemRefusedException()
        : this(string.Empty, "a network filesystem")
    {
    }

    /// <summary>Creates the exception.</summary>
    public NetworkFilesystemRefusedException(string message)
        : base(message)
    {
        Directory = string.Empty;
        FileSystem = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public NetworkFilesystemRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = string.Empty;
        FileSystem = string.Empty;
    }

    /// <summary>The database directory.</summary>
    public string Directory { get; }

    /// <summary>The filesystem name.</summary>
    public string FileSystem { get; }
}
