namespace Compozy.Data.Migrations;

/// <summary>The migrations of this build against one database.</summary>
/// <param name="Migrations">Every migration in id order; migrations applied by a newer build come last.</param>
public sealed record MigrationStatus(IReadOnlyList<MigrationStatusEntry> Migrations)
{
    /// <summary>Applied migrations.</summary>
    public IReadOnlyList<MigrationStatusEntry> Applied => Migrations.Where(migration => migration.IsApplied).ToList();

    /// <summary>Migrations of this build not yet applied.</summary>
    public IReadOnlyList<MigrationStatusEntry> Pending => Migrations.Where(migration => !migration.IsApplied).ToList();

    /// <summary>Migrations applied to the database that this build does not know (a newer build applied them).</summary>
    public IReadOnlyList<MigrationStatusEntry> Unknown => Migrations.Where(migration => !migration.IsKnown).ToList();

    /// <summary>Whether the schema is what this build expects: nothing pending.</summary>
    public bool IsCurrent => Pending.Count == 0;
}
