using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary>
/// The schema that applying every migration produces must equal the schema EF creates from the
/// model, fact for fact, on each database. <c>dotnet ef migrations has-pending-model-changes</c>
/// (scripts/test.sh) compares the model with the snapshot; this compares real databases, so it
/// also catches what a snapshot cannot: hand edits of a generated migration (the collation its
/// <c>Down</c> must drop), raw SQL in a migration, and the model customizers' output.
/// </summary>
public sealed class SchemaDriftTests
{
    [Theory, DatabaseData]
    public async Task Applying_every_migration_produces_the_schema_of_the_model(DatabaseKind database)
    {
        await using var migrated = await TestDatabase.CreateAsync(database, "drift_migrated");
        await migrated.MigrateAsync();
        await using var created = await TestDatabase.CreateAsync(database, "drift_created");
        var createScript = await created.Writer.RunExclusiveAsync(async (context, token) =>
        {
            await context.Database.EnsureCreatedAsync(token);
            return context.Database.GenerateCreateScript();
        });

        var fromMigrations = await SchemaReader.ReadAsync(migrated);
        var fromModel = await SchemaReader.ReadAsync(created);

        var (onlyInMigrations, onlyInModel) = fromMigrations.Compare(fromModel);
        fromModel.Tables.ShouldNotBeEmpty();
        (onlyInMigrations.Count + onlyInModel.Count).ShouldBe(
            0,
            "the migrations and the model disagree; write a migration for the model change.\n" +
            $"Only after migrations:\n  {string.Join("\n  ", onlyInMigrations)}\n" +
            $"Only in the model:\n  {string.Join("\n  ", onlyInModel)}\n" +
            $"The model's create script, for reference:\n{createScript}");
    }

    [Theory, DatabaseData]
    public async Task Reverting_every_migration_leaves_no_table_and_reapplying_restores_the_same_schema(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "drift_roundtrip");
        await db.MigrateAsync();
        var first = await SchemaReader.ReadAsync(db);

        await db.Migrations.DownAsync(target: "0");
        var empty = await SchemaReader.ReadAsync(db);
        empty.Tables.ShouldBeEmpty();
        empty.Facts.ShouldNotContain(fact => fact.StartsWith("index ", StringComparison.Ordinal) || fact.StartsWith("collation ", StringComparison.Ordinal));

        await db.MigrateAsync();
        var again = await SchemaReader.ReadAsync(db);
        again.Facts.ShouldBe(first.Facts);
    }

    [Theory, DatabaseData]
    public async Task The_comparison_notices_a_missing_index(DatabaseKind database)
    {
        // Guards the guard: if the schema reader stopped seeing indexes, the drift test would pass
        // for the wrong reason.
        await using var db = await TestDatabase.CreateAsync(database, "drift_sensitivity");
        await db.MigrateAsync();
        var before = await SchemaReader.ReadAsync(db);

        await db.Writer.RunExclusiveAsync((context, token) =>
            context.Database.ExecuteSqlRawAsync("DROP INDEX idx_task_states_tool_id", token));
        var after = await SchemaReader.ReadAsync(db);

        var (removed, added) = before.Compare(after);
        removed.ShouldHaveSingleItem().ShouldContain("idx_task_states_tool_id");
        added.ShouldBeEmpty();
    }
}
