namespace Compozy.Data.Migrations.Postgres;

/// <summary>Names this assembly for EF Core's <c>MigrationsAssembly</c> without a string literal elsewhere.</summary>
public static class PostgresMigrationsAssembly
{
    /// <summary>The assembly name.</summary>
    public static string Name { get; } = typeof(PostgresMigrationsAssembly).Assembly.GetName().Name!;
}
