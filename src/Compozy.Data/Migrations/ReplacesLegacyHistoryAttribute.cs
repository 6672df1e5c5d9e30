namespace Compozy.Data.Migrations;

/// <summary>
/// Marks the generated baseline migration of a dialect: the one migration whose schema equals what
/// the hand-written migrations of <see cref="LegacyMigrationHistory.Ids"/> built. A database whose
/// history holds exactly those has the baseline recorded in their place instead of run
/// (<see cref="LegacyMigrationHistory"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ReplacesLegacyHistoryAttribute : Attribute;
