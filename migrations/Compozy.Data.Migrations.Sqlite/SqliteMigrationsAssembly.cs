namespace Compozy.Data.Migrations.Sqlite;

/// <summary>Names this assembly for EF Core's <c>MigrationsAssembly</c> without a string literal elsewhere.</summary>
public static class SqliteMigrationsAssembly
{
    /// <summary>The assembly name.</summary>
    public static string Name { get; } = typeof(SqliteMigrationsAssembly).Assembly.GetName().Name!;
}
