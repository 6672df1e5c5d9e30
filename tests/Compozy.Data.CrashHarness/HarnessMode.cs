namespace Compozy.Data.CrashHarness;

/// <summary>What the child does besides committing acknowledged transactions, so that kills land there too.</summary>
public enum HarnessMode
{
    /// <summary>Only writes.</summary>
    Plain,

    /// <summary>Writes while running TRUNCATE and PASSIVE checkpoints back to back.</summary>
    Checkpoint,

    /// <summary>Writes while filling, deleting and vacuuming filler rows.</summary>
    Maintenance,
}
