namespace Compozy.Data.Sqlite.Configuration;

/// <summary>The journal modes this layer runs SQLite in.</summary>
public enum SqliteJournalMode
{
    /// <summary>Write-ahead log: readers never block the writer. The default.</summary>
    Wal,

    /// <summary>Rollback journal deleted after each transaction; used on network filesystems.</summary>
    Delete,
}
