namespace Compozy.Data.Migrations;

/// <summary>
/// Names of the migration history table. Each provider extends EF's table with an
/// <c>applied_at</c> column (defaulting to the current time) so that <c>migrate status</c> can say
/// when each migration was applied.
/// </summary>
public static class MigrationHistory
{
    /// <summary>EF's history table name, kept so that EF tooling recognises the table.</summary>
    public const string TableName = "__EFMigrationsHistory";

    /// <summary>The column holding when a migration was applied (UTC).</summary>
    public const string AppliedAtColumn = "applied_at";

    /// <summary>The column of the migration id (EF's own name for it).</summary>
    public const string MigrationIdColumn = "MigrationId";

    /// <summary>The column of the EF Core version that applied the migration (EF's own name for it).</summary>
    public const string ProductVersionColumn = "ProductVersion";

    /// <summary>Every migration id of the history table with when it was applied, the two columns in that order; both databases accept it as written.</summary>
    public const string SelectAppliedSql = $"SELECT \"{MigrationIdColumn}\", \"{AppliedAtColumn}\" FROM \"{TableName}\"";
}
