namespace Compozy.Data.Sqlite.Configuration;

/// <summary>How thoroughly the database is checked before the host serves anything.</summary>
public enum IntegrityCheckLevel
{
    /// <summary>No check.</summary>
    Off,

    /// <summary><c>PRAGMA quick_check</c>: page and record structure, in time linear in the file size. The default.</summary>
    Quick,

    /// <summary><c>PRAGMA integrity_check</c>: also indexes against their tables; slower on large databases.</summary>
    Full,
}
