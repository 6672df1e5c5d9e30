namespace Compozy.Data.Errors;

/// <summary>What went wrong, independent of the database that reported it.</summary>
public enum DbErrorKind
{
    /// <summary>The row asked for does not exist.</summary>
    NotFound,

    /// <summary>A unique key or index already holds the value.</summary>
    UniqueConflict,

    /// <summary>A referenced row does not exist, or a referencing row blocks a delete.</summary>
    ForeignKey,

    /// <summary>A CHECK or NOT NULL rule refused the row.</summary>
    Check,

    /// <summary>
    /// The row's current state does not allow the operation: a workflow completed while tasks
    /// still run, a second bootstrap of the first admin. Raised by the stores, not the database.
    /// </summary>
    Conflict,

    /// <summary>Another connection or process holds a lock (after waiting busy_timeout; or a deadlock or serialization failure).</summary>
    Busy,

    /// <summary>The database or transaction is read-only.</summary>
    ReadOnly,

    /// <summary>The disk (or quota) is full.</summary>
    DiskFull,

    /// <summary>The database file or an index is damaged.</summary>
    Corrupt,

    /// <summary>The database could not be reached or the connection broke.</summary>
    ConnectionFailed,

    /// <summary>The server refused the credentials.</summary>
    AuthFailed,

    /// <summary>A command ran past its timeout.</summary>
    Timeout,

    /// <summary>The caller cancelled the operation.</summary>
    Cancelled,

    /// <summary>Anything else.</summary>
    Unknown,
}
