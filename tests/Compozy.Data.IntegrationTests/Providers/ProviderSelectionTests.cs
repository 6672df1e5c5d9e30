using Compozy.Data.Migrations.Postgres;
using Compozy.Data.Migrations.Sqlite;
using Compozy.Data.Providers;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Providers;

public sealed class ProviderSelectionTests
{
    [Theory, DatabaseData]
    public async Task The_driver_selects_the_provider_and_its_own_migrations_assembly(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "selection");

        await using var context = await db.Contexts.CreateDbContextAsync();
        var (provider, migrations, driver) = database == DatabaseKind.Sqlite
            ? ("Microsoft.EntityFrameworkCore.Sqlite", SqliteMigrationsAssembly.Name, "sqlite")
            : ("Npgsql.EntityFrameworkCore.PostgreSQL", PostgresMigrationsAssembly.Name, "postgres");
        context.Database.ProviderName.ShouldBe(provider);
        context.GetService<IMigrationsAssembly>().Assembly.GetName().Name.ShouldBe(migrations);
        db.Services.GetRequiredService<IConfiguredDatabaseProvider>().Driver.ShouldBe(driver);
    }

    [Theory, DatabaseData]
    public async Task Each_provider_registers_the_provider_contract_and_its_services_build_with_scope_validation(DatabaseKind database)
    {
        // BuildServices validates on build and validates scopes: building is the first check.
        await using var db = await TestDatabase.CreateAsync(database, "contract");

        foreach (var (service, purpose) in DatabaseProviderContract.RequiredServices)
        {
            db.Services.GetService(service).ShouldNotBeNull($"{service.Name}: {purpose}");
        }
    }

    [Theory, DatabaseData]
    public async Task Registering_touches_no_database_until_a_service_is_used(DatabaseKind database)
    {
        var settings = database == DatabaseKind.Sqlite
            ? new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = Path.Combine(Path.GetTempPath(), $"compozy-untouched-{Guid.NewGuid():N}", "compozy.db") }
            : new Dictionary<string, string?> { ["database:driver"] = "postgres", ["database:host"] = "unreachable.invalid", ["database:connect_timeout"] = "1s" };

        await using var services = TestDatabase.BuildServices(settings);
        _ = services.GetRequiredService<IDbContextFactory<Compozy.Data.Persistence.CompozyDbContext>>();

        if (database == DatabaseKind.Sqlite)
        {
            Directory.Exists(Path.GetDirectoryName(settings["database:path"])).ShouldBeFalse();
        }
        else
        {
            // Resolving the factory must not have connected: an unreachable host would have thrown.
            services.GetRequiredService<IConfiguredDatabaseProvider>().Description.ShouldContain("unreachable.invalid");
        }
    }
}
