namespace Compozy.Data.Operations;

/// <summary>How thoroughly <c>compozy db status --check</c> checks the database.</summary>
public enum IntegrityCheck
{
    /// <summary>No check: the report says nothing about integrity.</summary>
    None,

    /// <summary>A structural check in time linear in the size (SQLite's <c>quick_check</c>).</summary>
    Quick,

    /// <summary>Also every index against its table (SQLite's <c>integrity_check</c>); slower on large databases.</summary>
    Full,
}
