using Compozy.Data.Health;
using Compozy.Data.Startup;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Compozy.Data.IntegrationTests.Startup;

public sealed class DatabaseInitializerTests
{
    [Theory, DatabaseData]
    public async Task With_auto_migrate_start_applies_pending_migrations_and_becomes_ready(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "init_auto");
        var readiness = await CheckAsync(db);
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Description.ShouldNotBeNull().ShouldContain("initialization");

        await db.Services.GetRequiredService<DatabaseInitializer>().StartAsync(CancellationToken.None);

        (await db.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
        (await CheckAsync(db)).Status.ShouldBe(HealthStatus.Healthy);

        await db.Migrations.DownAsync();
        var afterDown = await CheckAsync(db);
        afterDown.Status.ShouldBe(HealthStatus.Unhealthy);
        afterDown.Description.ShouldNotBeNull().ShouldContain("1 pending");
    }

    [Theory, DatabaseData]
    public async Task Without_auto_migrate_start_refuses_a_database_with_pending_migrations(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "init_manual", new Dictionary<string, string?> { ["database:auto_migrate"] = "false" });

        var error = await Should.ThrowAsync<PendingMigrationsException>(
            () => db.Services.GetRequiredService<DatabaseInitializer>().StartAsync(CancellationToken.None));

        var pending = (await db.Migrations.GetStatusAsync()).Pending;
        error.Pending.Count.ShouldBe(pending.Count);
        error.Message.ShouldContain("compozy migrate up");
        error.Message.ShouldContain(pending[0].Id);
        (await db.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty("nothing was migrated");
    }

    [Theory, DatabaseData]
    public async Task Without_auto_migrate_start_accepts_a_current_database(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "init_current", new Dictionary<string, string?> { ["database:auto_migrate"] = "false" });
        await db.MigrateAsync();

        await db.Services.GetRequiredService<DatabaseInitializer>().StartAsync(CancellationToken.None);

        (await CheckAsync(db)).Status.ShouldBe(HealthStatus.Healthy);
    }

    private static Task<HealthCheckResult> CheckAsync(TestDatabase db) =>
        ActivatorUtilities.CreateInstance<DatabaseReadinessHealthCheck>(db.Services)
            .CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("database", _ => null!, null, null) });
}
