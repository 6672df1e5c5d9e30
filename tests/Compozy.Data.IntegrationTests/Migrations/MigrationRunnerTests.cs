using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Migrations;

public sealed class MigrationRunnerTests
{
    private const string Initial = "20261122090000_InitialCreate";
    private const string Indexes = "20261122093000_AddTaskStateQueryIndexes";
    private const string Knowledge = "20261122120000_AddKnowledge";
    private const string WideCounts = "20261202090000_WidenTokenCountsToBigint";

    [Theory, DatabaseData]
    public async Task Status_of_an_empty_database_lists_every_migration_as_pending(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "status_empty");

        var status = await db.Migrations.GetStatusAsync();

        status.Migrations.Select(migration => migration.Id).ShouldBe([Initial, Indexes, Knowledge, WideCounts]);
        status.Migrations.ShouldAllBe(migration => !migration.IsApplied && migration.AppliedAt == null);
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

        var steps = await db.Migrations.UpAsync();

        steps.Select(step => step.Id).ShouldBe([Initial, Indexes, Knowledge, WideCounts]);
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
    }

    [Theory, DatabaseData]
    public async Task Up_to_a_target_stops_there_and_a_later_up_continues(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "up_target");

        (await db.Migrations.UpAsync("InitialCreate")).Select(step => step.Id).ShouldBe([Initial]);
        (await db.Migrations.GetStatusAsync()).Pending.Select(migration => migration.Id).ShouldBe([Indexes, Knowledge, WideCounts]);
        (await SchemaReader.ReadAsync(db)).Facts.ShouldNotContain(fact => fact.Contains("idx_task_states_parent_state_id_with_output", StringComparison.Ordinal));

        (await db.Migrations.UpAsync()).Select(step => step.Id).ShouldBe([Indexes, Knowledge, WideCounts]);
        (await SchemaReader.ReadAsync(db)).Facts.ShouldContain(fact => fact.Contains("idx_task_states_parent_state_id_with_output", StringComparison.Ordinal));
    }

    [Theory, DatabaseData]
    public async Task Down_reverts_one_step_by_default_and_everything_with_target_zero(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "down");
        await db.MigrateAsync();

        (await db.Migrations.DownAsync()).Select(step => step.Id).ShouldBe([WideCounts]);
        (await db.Migrations.GetStatusAsync()).Applied.Select(migration => migration.Id).ShouldBe([Initial, Indexes, Knowledge]);

        await db.MigrateAsync();
        var reverted = await db.Migrations.DownAsync(target: "0");
        reverted.Select(step => step.Id).ShouldBe([WideCounts, Knowledge, Indexes, Initial]);
        reverted.ShouldAllBe(step => step.Direction == MigrationDirection.Down);
        (await SchemaReader.ReadAsync(db)).Tables.ShouldBeEmpty();
        (await db.Migrations.DownAsync()).ShouldBeEmpty("nothing is left to revert");
    }

    [Theory, DatabaseData]
    public async Task Down_by_steps_reverts_that_many(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "down_steps");
        await db.MigrateAsync();

        (await db.Migrations.DownAsync(steps: 2)).Select(step => step.Id).ShouldBe([WideCounts, Knowledge]);
        (await db.Migrations.GetStatusAsync()).Applied.Select(migration => migration.Id).ShouldBe([Initial, Indexes]);
    }

    [Theory, DatabaseData]
    public async Task Bad_targets_are_refused_before_anything_changes(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "bad_target");
        await db.MigrateAsync();

        var unknown = await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.UpAsync("NoSuchMigration"));
        unknown.Message.ShouldContain("NoSuchMigration");
        unknown.Message.ShouldContain(Initial);

        var backwards = await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.UpAsync(Initial));
        backwards.Message.ShouldContain("never reverts");

        await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.DownAsync(steps: 0));
        await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.DownAsync(steps: 1, target: Initial));

        (await db.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
    }

    [Theory, DatabaseData]
    public async Task A_failing_migration_is_rolled_back_whole_and_named(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "atomic");
        await db.Migrations.UpAsync(Initial);

        // The second migration creates two indexes; taking the second one's name makes it fail
        // after the first index was already created inside its transaction.
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(
            "CREATE INDEX idx_task_states_workflow_exec_id_execution_type ON users (role)", token));

        var failure = await Should.ThrowAsync<MigrationFailedException>(() => db.Migrations.UpAsync());

        failure.MigrationId.ShouldBe(Indexes);
        failure.Message.ShouldContain(Indexes);
        failure.InnerException.ShouldNotBeNull();
        var status = await db.Migrations.GetStatusAsync();
        status.Applied.Select(migration => migration.Id).ShouldBe([Initial]);
        (await SchemaReader.ReadAsync(db)).Facts.ShouldNotContain(
            fact => fact.Contains("idx_task_states_parent_state_id_with_output", StringComparison.Ordinal),
            "the first statement of the failed migration must have been rolled back with it");
    }

    [Theory, DatabaseData]
    public async Task Concurrent_runs_apply_each_migration_exactly_once(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "concurrent");
        await using var second = TestDatabase.BuildServices(db.Settings);
        var otherRunner = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MigrationRunner>(second);

        var runs = await Task.WhenAll(Task.Run(() => db.Migrations.UpAsync()), Task.Run(() => otherRunner.UpAsync()));

        runs.SelectMany(steps => steps).Select(step => step.Id).Order(StringComparer.Ordinal).ShouldBe([Initial, Indexes, Knowledge, WideCounts]);
        (await db.Migrations.GetStatusAsync()).Applied.Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_migration_lock_abandoned_by_a_killed_sqlite_migrator_does_not_block_the_next_run()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stale_lock");
        await db.Migrations.UpAsync(Initial);
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-01-01 00:00:00')", token));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var steps = await db.Migrations.UpAsync(cancellationToken: timeout.Token);

        steps.Select(step => step.Id).ShouldBe([Indexes, Knowledge, WideCounts]);
        var remaining = await db.Writer.RunExclusiveAsync((context, token) =>
            context.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"__EFMigrationsLock\"").SingleAsync(token));
        remaining.ShouldBe(0);
    }
}
