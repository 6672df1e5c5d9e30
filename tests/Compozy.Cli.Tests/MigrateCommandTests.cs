using System.Text.Json;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;

namespace Compozy.Cli.Tests;

public sealed class MigrateCommandTests
{
    private static readonly string[] AppTables = ["api_keys", "audit_events", "execution_llm_usage", "knowledge_bases", "knowledge_chunks", "knowledge_documents", "task_states", "users", "workflow_states"];

    [Theory, DatabaseData]
    public async Task Up_status_and_down_create_and_remove_the_tables(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_migrate");

        var pending = await cli.RunAsync("migrate", "status");
        pending.ExitCode.ShouldBe(0, pending.ToString());
        pending.Stdout.ShouldMatch(@"\d{14}_Baseline +pending");
        pending.Stdout.ShouldContain("3 pending; 0 of 3 migrations applied");

        var up = await cli.RunAsync("migrate", "up");
        up.ExitCode.ShouldBe(0, up.ToString());
        up.Stdout.ShouldMatch(@"applied  \d{14}_Baseline \(\d+ ms\)");
        up.Stdout.ShouldContain("applied 3; 3 of 3 migrations applied");
        (await SchemaReader.ReadAsync(cli.Database)).Tables.Order().ShouldBe(AppTables);

        var status = await cli.RunAsync("migrate", "status", "--json");
        status.ExitCode.ShouldBe(0, status.ToString());
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            json.RootElement.GetProperty("current").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("applied").GetInt32().ShouldBe(3);
            var migrations = json.RootElement.GetProperty("migrations").EnumerateArray().ToList();
            migrations.Select(migration => (migration.GetProperty("name").GetString(), migration.GetProperty("status").GetString())).ShouldBe([("Baseline", "applied"), ("AuditEvents", "applied"), ("TaskListingIndex", "applied")]);
            migrations.ShouldAllBe(migration => migration.GetProperty("applied_at").GetDateTime() > DateTime.UtcNow.AddHours(-1));
        }

        var downTwo = await cli.RunAsync("migrate", "down", "--steps", "2");
        downTwo.ExitCode.ShouldBe(0, downTwo.ToString());
        downTwo.Stdout.ShouldMatch(@"reverted \d{14}_TaskListingIndex \(\d+ ms\)\nreverted \d{14}_AuditEvents \(\d+ ms\)");
        (await SchemaReader.ReadAsync(cli.Database)).Tables.Order().ShouldBe(AppTables.Where(table => table != "audit_events"));

        var downAll = await cli.RunAsync("migrate", "down", "--target=0");
        downAll.ExitCode.ShouldBe(0, downAll.ToString());
        downAll.Stdout.ShouldMatch(@"reverted \d{14}_Baseline \(\d+ ms\)");
        downAll.Stdout.ShouldContain("reverted 1; 0 of 3 migrations applied");
        (await SchemaReader.ReadAsync(cli.Database)).Tables.ShouldBeEmpty();

        var downAgain = await cli.RunAsync("migrate", "down", "--target=0");
        downAgain.ExitCode.ShouldBe(0, downAgain.ToString());
        downAgain.Stdout.ShouldContain("nothing to revert; 0 of 3 migrations applied");
    }

    [Theory, DatabaseData]
    public async Task Up_start_and_bootstrap_refuse_a_schema_a_newer_build_migrated_with_exit_3_naming_the_migration(DatabaseKind database)
    {
        const string FromTheFuture = "29991231000000_AddSomethingNewer";
        await using var cli = await CliDatabase.CreateAsync(database, "cli_newer_schema");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await cli.Database.Writer.RunExclusiveAsync((context, token) => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(
            context.Database, $"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('{FromTheFuture}', '10.0.15')", token));

        var status = await cli.RunAsync("migrate", "status");
        status.ExitCode.ShouldBe(0, status.ToString());
        status.Stdout.ShouldMatch($@"{FromTheFuture} +unknown");

        foreach (var command in new[] { new[] { "migrate", "up" }, ["start"], ["auth", "bootstrap", "--email", "admin@example.com"] })
        {
            var refused = await cli.RunAsync(command);
            refused.ExitCode.ShouldBe(3, refused.ToString());
            refused.Stderr.ShouldContain($"compozy: the database has 1 migration this build does not know ({FromTheFuture})");
            refused.Stderr.ShouldContain("Nothing was changed.");
        }

        (await cli.Database.Migrations.GetStatusAsync()).Unknown.ShouldHaveSingleItem().Id.ShouldBe(FromTheFuture);
    }

    [Theory, DatabaseData]
    public async Task Two_migrate_up_processes_at_once_apply_each_migration_once(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_concurrent");

        var results = await Task.WhenAll(cli.RunAsync("migrate", "up"), cli.RunAsync("migrate", "up"));

        results.ShouldAllBe(result => result.ExitCode == 0, string.Join("\n", results.Select(result => result.ToString())));
        var applied = results.SelectMany(result => result.Stdout.Split('\n')).Where(line => line.StartsWith("applied  ", StringComparison.Ordinal)).ToList();
        applied.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1][15..]).ShouldBe(["Baseline", "AuditEvents", "TaskListingIndex"], ignoreOrder: true, string.Join("\n", applied));
        (await cli.Database.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
    }

    [Theory, DatabaseData]
    public async Task A_failing_migration_exits_1_naming_it_and_the_database_error(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_failure");
        await cli.Database.Writer.RunExclusiveAsync((context, token) => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(
            context.Database, "CREATE TABLE squatter (a integer); CREATE INDEX idx_workflow_states_workflow_id_status ON squatter (a);", token));

        var result = await cli.RunAsync("migrate", "up");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldMatch(@"migration \d{14}_Baseline failed and was rolled back");
        result.Stderr.ShouldContain("idx_workflow_states_workflow_id_status");
        var status = await cli.RunAsync("migrate", "status");
        status.Stdout.ShouldContain("3 pending; 0 of 3 migrations applied");
    }

    [Theory, DatabaseData]
    public async Task Script_prints_the_pending_migrations_sql_that_brings_the_database_up_to_date(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_script");

        var script = await cli.RunAsync("migrate", "script");

        script.ExitCode.ShouldBe(0, script.ToString());
        script.Stdout.ShouldMatch(@"CREATE TABLE ""?workflow_states""? \(");
        script.Stdout.ShouldMatch(@"INSERT INTO ""__EFMigrationsHistory"" \(""MigrationId"", ""ProductVersion""\)\s+VALUES \('\d{14}_Baseline'");
        (await cli.Database.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty("script changes nothing");

        await cli.Database.Writer.RunExclusiveAsync((context, token) => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(
            context.Database, script.Stdout, token));
        (await cli.Database.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
        (await SchemaReader.ReadAsync(cli.Database)).Tables.Order().ShouldBe(AppTables);

        var nothing = await cli.RunAsync("migrate", "script");
        nothing.ExitCode.ShouldBe(0, nothing.ToString());
        nothing.Stdout.ShouldBeEmpty();
        nothing.Stderr.ShouldContain("nothing to script: no migration is pending");

        var range = await cli.RunAsync("migrate", "script", "--from", "0", "--to", "Baseline");
        range.ExitCode.ShouldBe(0, range.ToString());
        range.Stdout.ShouldMatch(@"CREATE TABLE ""?workflow_states""? \(");

        var idempotent = await cli.RunAsync("migrate", "script", "--from", "0", "--idempotent");
        if (database == DatabaseKind.Sqlite)
        {
            idempotent.ExitCode.ShouldBe(2, idempotent.ToString());
            idempotent.Stderr.ShouldContain("--idempotent is not available for this database");
            idempotent.Stderr.ShouldContain("Leave out --idempotent");
            idempotent.Stdout.ShouldBeEmpty();
        }
        else
        {
            // Idempotent: run on the database that already has everything, it changes nothing and fails nothing.
            idempotent.ExitCode.ShouldBe(0, idempotent.ToString());
            idempotent.Stdout.ShouldContain("IF NOT EXISTS(SELECT 1 FROM \"__EFMigrationsHistory\"");
            await cli.Database.ExecuteRawAsync(idempotent.Stdout);
            var status = await cli.Database.Migrations.GetStatusAsync();
            status.Applied.Count.ShouldBe(status.Migrations.Count);
        }
    }

    [Fact]
    public async Task Script_with_an_unknown_migration_exits_2_and_lists_the_known_ones()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_script_target");

        var result = await cli.RunAsync("migrate", "script", "--to", "AddNothing");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("no migration is named 'AddNothing'");
        result.Stderr.ShouldContain("_Baseline");
        File.Exists(cli.Database.Location).ShouldBeFalse("script only reads");
    }

    [Fact]
    public async Task Migrate_up_creates_a_missing_postgres_database_without_logging_an_error()
    {
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await PostgresServer.GetAdminConnectionStringAsync())
        {
            Database = $"t_cli_missing_{Guid.NewGuid():N}",
        }.ConnectionString;
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        var environment = new Dictionary<string, string?> { ["DB_DRIVER"] = "postgres", ["DB_CONN_STRING"] = connectionString };
        try
        {
            var status = await CompozyProcess.RunAsync(workingDirectory, environment, "migrate", "status");
            var up = await CompozyProcess.RunAsync(workingDirectory, environment, "migrate", "up");

            status.ExitCode.ShouldBe(0, status.ToString());
            status.Stdout.ShouldContain("3 pending; 0 of 3 migrations applied");
            status.Stderr.ShouldNotContain("fail:");
            up.ExitCode.ShouldBe(0, up.ToString());
            up.Stdout.ShouldContain("applied 3; 3 of 3 migrations applied");
            up.Stderr.ShouldNotContain("fail:");
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_target_that_does_not_exist_exits_2_and_lists_the_known_ones()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_target");

        var result = await cli.RunAsync("migrate", "up", "--target", "AddNothing");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("no migration is named 'AddNothing'");
        result.Stderr.ShouldContain("_Baseline");
        File.Exists(cli.Database.Location).ShouldBeFalse();
    }

    [Fact]
    public async Task An_unreachable_server_exits_1_without_printing_the_password()
    {
        const string password = "never-print-this-9f8e7d";
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        try
        {
            var result = await CompozyProcess.RunAsync(
                workingDirectory,
                new Dictionary<string, string?>
                {
                    ["DB_DRIVER"] = "postgres",
                    ["DB_CONN_STRING"] = $"Host=127.0.0.1;Port=1;Username=compozy;Password={password};Database=compozy",
                    ["DB_CONNECT_TIMEOUT"] = "2s",
                },
                "migrate",
                "status");

            result.ExitCode.ShouldBe(1, result.ToString());
            result.Stderr.ShouldContain("database error on postgres host=127.0.0.1 port=1");
            (result.Stdout + result.Stderr).ShouldNotContain(password);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
