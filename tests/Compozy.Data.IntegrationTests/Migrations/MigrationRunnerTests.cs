using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary>
/// The runner on each database's generated migrations. Each dialect has one migration today (the
/// baseline), so the step counts are small; what is checked is the runner's contract: order,
/// history, targets, atomic failure, concurrency and the lock.
/// </summary>
public sealed class MigrationRunnerTests
{
    private const string Baseline = "Baseline";

    [Theory, DatabaseData]
    public async Task Status_of_an_empty_database_lists_every_migration_as_pending(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "status_empty");

        var status = await db.Migrations.GetStatusAsync();

        status.Migrations.Select(migration => migration.Name).ShouldBe([Baseline, "AuditEvents", "TaskListingIndex"]);
        status.Migrations.ShouldAllBe(migration => !migration.IsApplied && migration.AppliedAt == null && migration.IsKnown);
        status.IsCurrent.ShouldBeFalse();
        if (database == DatabaseKind.Sqlite)
        {
            File.Exists(db.Location).ShouldBeFalse("status only reads; it must not create the database file");
        }
    }

    [Theory, DatabaseData]
    public async Task Up_applies_every_migration_in_order_and_records_when(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "up_all");
        var before = DateTime.UtcNow.AddMinutes(-1);
        var known = (await db.Migrations.GetStatusAsync()).Migrations.Select(migration => migration.Id).ToList();

        var steps = await db.Migrations.UpAsync();

        steps.Select(step => step.Id).ShouldBe(known);
        steps.ShouldAllBe(step => step.Direction == MigrationDirection.Up);
        var status = await db.Migrations.GetStatusAsync();
        status.IsCurrent.ShouldBeTrue();
        foreach (var migration in status.Migrations)
        {
            migration.AppliedAt.ShouldNotBeNull();
            migration.AppliedAt.Value.Kind.ShouldBe(DateTimeKind.Utc);
            migration.AppliedAt.Value.ShouldBeInRange(before, DateTime.UtcNow.AddMinutes(1));
        }

        (await db.Migrations.UpAsync()).ShouldBeEmpty("a second run finds nothing to apply");
        (await db.Migrations.UpAsync("TaskListingIndex")).ShouldBeEmpty("a target that is already applied leaves nothing to do");
    }

    [Theory, DatabaseData]
    public async Task Down_reverts_one_step_by_default_and_everything_with_target_zero(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "down");
        await db.MigrateAsync();
        var applied = (await db.Migrations.GetStatusAsync()).Applied.Select(migration => migration.Id).ToList();

        (await db.Migrations.DownAsync()).Select(step => step.Id).ShouldBe([applied[^1]]);
        (await db.Migrations.GetStatusAsync()).Applied.Select(migration => migration.Id).ShouldBe(applied[..^1]);

        await db.MigrateAsync();
        var reverted = await db.Migrations.DownAsync(target: "0");
        reverted.Select(step => step.Id).ShouldBe(Enumerable.Reverse(applied));
        reverted.ShouldAllBe(step => step.Direction == MigrationDirection.Down);
        (await SchemaReader.ReadAsync(db)).Tables.ShouldBeEmpty();
        (await db.Migrations.DownAsync()).ShouldBeEmpty("nothing is left to revert");
    }

    [Theory, DatabaseData]
    public async Task Down_by_more_steps_than_applied_reverts_everything(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "down_steps");
        await db.MigrateAsync();

        (await db.Migrations.DownAsync(steps: 5)).Count.ShouldBe((await db.Migrations.GetStatusAsync()).Migrations.Count);
        (await db.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty();
    }

    [Theory, DatabaseData]
    public async Task Bad_targets_are_refused_before_anything_changes(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "bad_target");
        await db.MigrateAsync();
        var baselineId = (await db.Migrations.GetStatusAsync()).Migrations.Single(migration => migration.Name == Baseline).Id;

        var unknown = await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.UpAsync("NoSuchMigration"));
        unknown.Message.ShouldContain("NoSuchMigration");
        unknown.Message.ShouldContain(baselineId);

        await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.DownAsync(steps: 0));
        await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.DownAsync(steps: 1, target: baselineId));
        await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.DownAsync(target: "NoSuchMigration"));

        (await db.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
    }

    [Theory, DatabaseData]
    public async Task A_failing_migration_is_rolled_back_whole_and_named(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "atomic");
        var baselineId = (await db.Migrations.GetStatusAsync()).Migrations.Single(migration => migration.Name == Baseline).Id;

        // The baseline creates every table before its indexes; an object already holding the name
        // of one of its indexes makes it fail after the tables were created inside its transaction.
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(
            "CREATE TABLE squatter (a integer); CREATE INDEX idx_workflow_states_workflow_id_status ON squatter (a);", token));

        var failure = await Should.ThrowAsync<MigrationFailedException>(() => db.Migrations.UpAsync());

        failure.MigrationId.ShouldBe(baselineId);
        failure.Message.ShouldContain(baselineId);
        failure.InnerException.ShouldNotBeNull();
        (await db.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty();
        (await SchemaReader.ReadAsync(db)).Tables.ShouldHaveSingleItem("the tables the failed migration created must have been rolled back with it")
            .ShouldBe("squatter");
    }

    [Theory, DatabaseData]
    public async Task Concurrent_runs_apply_each_migration_exactly_once(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "concurrent");
        await using var second = TestDatabase.BuildServices(db.Settings);
        var otherRunner = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MigrationRunner>(second);
        var known = (await db.Migrations.GetStatusAsync()).Migrations.Select(migration => migration.Id).ToList();

        var runs = await Task.WhenAll(Task.Run(() => db.Migrations.UpAsync()), Task.Run(() => otherRunner.UpAsync()));

        runs.SelectMany(steps => steps).Select(step => step.Id).Order(StringComparer.Ordinal).ShouldBe(known);
        (await db.Migrations.GetStatusAsync()).Applied.Count.ShouldBe(known.Count);
    }

    [Fact]
    public async Task A_migration_lock_abandoned_by_a_killed_sqlite_migrator_does_not_block_the_next_run()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stale_lock");
        await db.MigrateAsync();
        await db.Migrations.DownAsync(target: "0");
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-01-01 00:00:00')", token));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var steps = await db.Migrations.UpAsync(cancellationToken: timeout.Token);

        steps.Select(step => step.Id).ShouldBe((await db.Migrations.GetStatusAsync()).Migrations.Select(migration => migration.Id));
        var remaining = await db.Writer.RunExclusiveAsync((context, token) =>
            context.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"__EFMigrationsLock\"").SingleAsync(token));
        remaining.ShouldBe(0);
    }
}
