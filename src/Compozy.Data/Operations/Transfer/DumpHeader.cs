namespace Compozy.Data.Operations.Transfer;

/// <summary>The first line of a dump.</summary>
/// <param name="Version">The format version.</param>
/// <param name="CreatedAt">When the export started (UTC, as written).</param>
/// <param name="SourceDriver">The driver of the exported database.</param>
/// <param name="Migrations">The names of the migrations applied to the exported database, oldest first.</param>
internal sealed record DumpHeader(int Version, string CreatedAt, string SourceDriver, IReadOnlyList<string> Migrations)
{
    /// <summary>The name of the last migration applied to the exported database.</summary>
    public string? LastMigration => Migrations.Count == 0 ? null : Migrations[^1];
}
