using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Design;

namespace Compozy.Data.Sqlite.Migrations;

/// <summary>
/// The context <c>dotnet ef</c> builds when this project is its startup project: the SQLite
/// dialect of the model, configured by the same code as the writer's contexts, so that
/// <c>migrations add</c> and <c>has-pending-model-changes</c> see exactly the model the host runs.
/// </summary>
/// <remarks>
/// Generating a migration or a script opens no connection. Commands that do (<c>migrations list</c>,
/// <c>database update</c>) take the database as <c>-- --connection "Data Source=PATH"</c>; the
/// default is an in-memory database. Hosts migrate with <c>compozy migrate</c>, which also takes
/// the migration lock and runs the provider's startup checks.
/// </remarks>
internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<CompozyDbContext>
{
    public CompozyDbContext CreateDbContext(string[] args)
    {
        var connectionString = DesignTimeArguments.Connection(args) ?? "Data Source=:memory:";
        return new CompozyDbContext(SqliteDbContextOptionsConfigurer.CreateDesignTimeOptions(new SqliteConnection(connectionString)));
    }
}
