using Compozy.Data.Entities;
using Compozy.Data.Migrations;
using Compozy.Data.Stores.Auth;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary>
/// A database migrated by the four hand-written migrations that the generated baseline replaced
/// (Legacy/*.sql, captured from them before they were deleted) upgrades to the generated history
/// without running anything, keeps its schema and data, and works.
/// </summary>
public sealed class LegacyHistoryUpgradeTests
{
    [Theory, DatabaseData]
    public async Task A_database_of_the_hand_written_migrations_records_the_baseline_in_their_place_and_keeps_working(DatabaseKind database)
    {
        await using var db = await CreateLegacyAsync(database, "legacy_upgrade");
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var legacySchema = await SchemaReader.ReadAsync(db);
        var status = await db.Migrations.GetStatusAsync();
        var baselineId = status.Migrations.Single(migration => migration.Name == "Baseline").Id;
        var later = status.Migrations.Select(migration => migration.Id).Where(id => string.CompareOrdinal(id, baselineId) > 0).ToList();
        status.Unknown.ShouldBeEmpty();
        status.Applied.ShouldHaveSingleItem().Id.ShouldBe(baselineId, "the schema of the four hand-written migrations is the baseline's");
        status.Applied[0].AppliedAt.ShouldNotBeNull();
        status.Pending.Select(migration => migration.Id).ShouldBe(later);

        (await db.Migrations.UpAsync()).Select(step => step.Id).ShouldBe(later, "the baseline is recorded, not applied; only the migrations after it run");

        (await HistoryAsync(db)).ShouldBe([baselineId, .. later]);
        await using (var fresh = await TestDatabase.CreateAsync(database, "legacy_fresh"))
        {
            await fresh.Migrations.UpAsync(target: baselineId);
            var (onlyLegacy, onlyFresh) = legacySchema.Compare(await SchemaReader.ReadAsync(fresh));
            (onlyLegacy.Count + onlyFresh.Count).ShouldBe(
                0,
                "the baseline must build exactly the schema of the hand-written migrations.\n" +
                $"Only in the legacy database:\n  {string.Join("\n  ", onlyLegacy)}\nOnly after the baseline:\n  {string.Join("\n  ", onlyFresh)}");
        }

        // The data written before the upgrade is there, and every kind of write still works.
        (await db.Services.GetRequiredService<IWorkflowStore>().GetStateAsync(workflow.WorkflowExecId)).State.Status.ShouldBe(workflow.Status);
        await db.Services.GetRequiredService<ITaskStore>().UpsertStateAsync(TaskOf(workflow));
        var user = await db.Services.GetRequiredService<IAuthStore>().CreateUserAsync("Legacy@Example.com", UserRole.Admin);
        (await db.Services.GetRequiredService<IAuthStore>().GetUserByEmailAsync("legacy@example.com")).Id.ShouldBe(user.Id);

        // The baseline's Down works on it too, collation included, and Up builds it again.
        (await db.Migrations.DownAsync(target: "0")).Select(step => step.Id).ShouldBe([.. Enumerable.Reverse(later), baselineId]);
        var empty = await SchemaReader.ReadAsync(db);
        empty.Tables.ShouldBeEmpty();
        empty.Facts.ShouldNotContain(fact => fact.StartsWith("collation ", StringComparison.Ordinal));
        (await db.Migrations.UpAsync()).Select(step => step.Id).ShouldBe([baselineId, .. later]);
    }

    [Theory, DatabaseData]
    public async Task Concurrent_runs_on_a_legacy_database_record_the_baseline_once(DatabaseKind database)
    {
        await using var db = await CreateLegacyAsync(database, "legacy_concurrent");
        await using var second = TestDatabase.BuildServices(db.Settings);
        var otherRunner = second.GetRequiredService<MigrationRunner>();

        var later = (await db.Migrations.GetStatusAsync()).Pending.Select(migration => migration.Id).ToList();

        var runs = await Task.WhenAll(Task.Run(() => db.Migrations.UpAsync()), Task.Run(() => otherRunner.UpAsync()));

        // One run records the baseline and applies what follows it; the other, behind the
        // migration lock, finds nothing left to do.
        runs.Select(steps => steps.Count).OrderBy(count => count).ShouldBe([0, later.Count]);
        var history = await HistoryAsync(db);
        history[0].ShouldEndWith("_Baseline");
        history.Skip(1).ShouldBe(later);
    }

    [Theory, DatabaseData]
    public async Task A_database_left_half_way_by_the_hand_written_migrations_is_refused_and_left_unchanged(DatabaseKind database)
    {
        await using var db = await CreateLegacyAsync(database, "legacy_partial");
        await db.ExecuteRawAsync(
            "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" IN ('20261122120000_AddKnowledge', '20261202090000_WidenTokenCountsToBigint')");

        var refused = await Should.ThrowAsync<MigrationFailedException>(() => db.Migrations.UpAsync());

        refused.Message.ShouldContain("older build");
        refused.Message.ShouldContain("20261122120000_AddKnowledge, 20261202090000_WidenTokenCountsToBigint not applied");
        refused.Message.ShouldContain("Nothing was changed");
        (await HistoryAsync(db)).ShouldBe(["20261122090000_InitialCreate", "20261122093000_AddTaskStateQueryIndexes"]);
    }

    [Theory, DatabaseData]
    public async Task The_script_for_a_legacy_database_records_the_baseline_and_creates_none_of_its_tables(DatabaseKind database)
    {
        await using var db = await CreateLegacyAsync(database, "legacy_script");

        var script = await db.Migrations.ScriptAsync();

        script.ShouldContain("UPDATE \"__EFMigrationsHistory\" SET \"MigrationId\" = '");
        foreach (var table in new[] { "workflow_states", "task_states", "users", "api_keys", "knowledge_chunks" })
        {
            script.ShouldNotContain($"CREATE TABLE \"{table}\"", customMessage: "the baseline's tables exist already");
        }

        (await HistoryAsync(db)).Count.ShouldBe(4, "scripting reads only");

        await db.ExecuteRawAsync(script);
        (await db.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue("the script records the baseline and applies what follows it");
        (await HistoryAsync(db))[0].ShouldEndWith("_Baseline");
        (await db.Migrations.UpAsync()).ShouldBeEmpty();
    }

    /// <summary>A database as the build before the generated migrations left it, created through the provider.</summary>
    internal static async Task<TestDatabase> CreateLegacyAsync(DatabaseKind database, string purpose)
    {
        var db = await TestDatabase.CreateAsync(database, purpose);
        var script = await File.ReadAllTextAsync(
            Path.Combine(AppContext.BaseDirectory, "Migrations", "Legacy", database == DatabaseKind.Sqlite ? "sqlite.sql" : "postgres.sql"));
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(script, token));
        (await HistoryAsync(db)).Count.ShouldBe(LegacyMigrationHistory.Ids.Count);
        return db;
    }

    private static Task<List<string>> HistoryAsync(TestDatabase db) =>
        db.Writer.RunExclusiveAsync((context, token) => context.Database
            .SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"")
            .ToListAsync(token));
}
