using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary><see cref="MigrationRunner.ScriptAsync"/>: the SQL an operator reviews and applies instead of <c>migrate up</c>.</summary>
public sealed class MigrationScriptTests
{
    [Theory, DatabaseData]
    public async Task The_pending_script_applied_by_hand_gives_the_schema_migrate_up_gives(DatabaseKind database)
    {
        await using var scripted = await TestDatabase.CreateAsync(database, "script_pending");
        var script = await scripted.Migrations.ScriptAsync();
        (await scripted.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty("scripting reads only");

        await scripted.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(script, token));

        (await scripted.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue("the script records each migration in the history table");
        (await scripted.Migrations.ScriptAsync()).ShouldBeEmpty("nothing is pending any more");
        await using var migrated = await TestDatabase.CreateAsync(database, "script_migrated");
        await migrated.MigrateAsync();
        (await SchemaReader.ReadAsync(scripted)).Facts.ShouldBe((await SchemaReader.ReadAsync(migrated)).Facts);
    }

    [Theory, DatabaseData]
    public async Task A_range_is_scripted_whatever_the_database_holds_and_backwards_it_reverts(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "script_range");
        await db.MigrateAsync();

        // PostgreSQL's scripts quote names only where needed, SQLite's always.
        (await db.Migrations.ScriptAsync(from: "0", to: "baseline")).ShouldMatch(@"CREATE TABLE ""?task_states""? \(");
        var revert = await db.Migrations.ScriptAsync(from: "Baseline", to: "0");
        revert.ShouldMatch(@"DROP TABLE ""?task_states""?;");
        revert.ShouldNotContain("CREATE TABLE");

        var unknown = await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.ScriptAsync(from: "NoSuchMigration"));
        unknown.Message.ShouldContain("no migration is named 'NoSuchMigration'");
    }

    [Theory, DatabaseData]
    public async Task An_idempotent_script_runs_twice_on_postgres_and_is_refused_clearly_on_sqlite(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "script_idempotent");

        if (database == DatabaseKind.Sqlite)
        {
            var refused = await Should.ThrowAsync<MigrationTargetException>(() => db.Migrations.ScriptAsync(idempotent: true));
            refused.Message.ShouldContain("--idempotent is not available for this database");
            File.Exists(db.Location).ShouldBeFalse();
            return;
        }

        var script = await db.Migrations.ScriptAsync(idempotent: true);
        await db.ExecuteRawAsync(script);
        await db.ExecuteRawAsync(script);

        var status = await db.Migrations.GetStatusAsync();
        status.IsCurrent.ShouldBeTrue();
        status.Applied.Count.ShouldBe(status.Migrations.Count, "every migration applied once, the second run of the script adding nothing");
    }
}
