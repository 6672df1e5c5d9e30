namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>
/// This process may not read or write a file or directory the database needs; nothing was
/// opened or created. The message names the path, its owner and mode, and this process's user.
/// </summary>
public sealed class SqliteAccessDeniedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public SqliteAccessDeniedException(string message, string path)
        : base(message)
    {
        Path = path;
    }

    /// <summary>Creates the exception.</summary>
    public SqliteAccessDeniedException()
        : this("permission denied", string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SqliteAccessDeniedException(string message)
        : this(message, string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SqliteAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>The file or directory that may not be accessed.</summary>
    public string Path { get; }
}
