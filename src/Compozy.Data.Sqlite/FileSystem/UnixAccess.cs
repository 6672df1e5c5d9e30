namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>The access asked of <c>access(2)</c>.</summary>
[Flags]
internal enum UnixAccess
{
    /// <summary>Only whether the path can be reached.</summary>
    Exists = 0,

    /// <summary>Search a directory / execute a file.</summary>
    Execute = 1,

    /// <summary>Write.</summary>
    Write = 2,

    /// <summary>Read.</summary>
    Read = 4,
}
