namespace Compozy.Data.Migrations;

/// <summary>What a database's history holds of <see cref="LegacyMigrationHistory.Ids"/>.</summary>
internal enum LegacyHistoryState
{
    /// <summary>None of them, or the baseline is already recorded.</summary>
    None,

    /// <summary>All of them and no baseline: the baseline is recorded in their place.</summary>
    Complete,

    /// <summary>Some of them only: refused.</summary>
    Partial,
}
