namespace Compozy.Data.Sqlite.Checkpoints;

/// <summary>SQLite checkpoint modes this layer uses.</summary>
internal enum SqliteCheckpointMode
{
    /// <summary>Copies what it can without waiting for readers.</summary>
    Passive,

    /// <summary>Waits (up to busy_timeout) for readers, copies everything and truncates the WAL to zero bytes.</summary>
    Truncate,
}
