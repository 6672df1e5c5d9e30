namespace Compozy.Data.Sqlite.Configuration;

/// <summary><c>database.sqlite.filesystem</c>: who decides whether the database's filesystem is local.</summary>
public enum SqliteFileSystemKind
{
    /// <summary>The filesystem probe (statfs) decides; a network filesystem is refused or, with the opt-in, gets the fallback.</summary>
    Auto,

    /// <summary>The operator declares it local (a local FUSE filesystem such as gocryptfs): WAL is kept whatever the probe says.</summary>
    Local,
}
