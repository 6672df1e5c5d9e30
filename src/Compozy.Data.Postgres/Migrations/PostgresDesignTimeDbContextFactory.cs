using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Compozy.Data.Postgres.Migrations;

/// <summary>
/// The context <c>dotnet ef</c> builds when this project is its startup project: the PostgreSQL
/// dialect of the model, configured by the same code as the writer's contexts, so that
/// <c>migrations add</c> and <c>has-pending-model-changes</c> see exactly the model the host runs.
/// </summary>
/// <remarks>
/// Generating a migration or a script opens no connection. Commands that do (<c>migrations list</c>,
/// <c>database update</c>) take the database as <c>-- --connection "Host=...;Database=..."</c>.
/// Hosts migrate with <c>compozy migrate</c>, which also takes the migration lock.
/// </remarks>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<CompozyDbContext>
{
    public CompozyDbContext CreateDbContext(string[] args)
    {
        var connectionString = DesignTimeArguments.Connection(args) ?? "Host=localhost;Database=compozy";
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        var dataSource = builder.Build();
        return new CompozyDbContext(new PostgresDbContextOptionsConfigurer(dataSource, NullLoggerFactory.Instance).CreateDesignTimeOptions());
    }
}
