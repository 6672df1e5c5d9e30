namespace Compozy.Data.Sqlite.Configuration;

/// <summary>How hard SQLite pushes commits to stable storage.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>No fsync: an OS crash or power loss can corrupt the database. Needs an explicit opt-in.</summary>
    Off = 0,

    /// <summary>fsync at checkpoints only: survives an application crash; a power loss can lose the latest commits.</summary>
    Normal = 1,

    /// <summary>fsync of the WAL at every commit: every acknowledged commit survives a power loss. The default.</summary>
    Full = 2,

    /// <summary>As <see cref="Full"/>; in WAL mode it adds nothing (it also syncs the directory in DELETE mode).</summary>
    Extra = 3,
}
