namespace Compozy.Data.Migrations;

/// <summary>One migration applied or reverted by a run.</summary>
/// <param name="Id">The migration id.</param>
/// <param name="Direction">Whether it was applied (up) or reverted (down).</param>
/// <param name="Duration">How long it took.</param>
public sealed record MigrationStep(string Id, MigrationDirection Direction, TimeSpan Duration);
