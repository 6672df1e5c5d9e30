using System.Text.Json;
using Compozy.Data.Testing;
using Compozy.Data.Testing.Schema;

namespace Compozy.Cli.Tests;

public sealed class MigrateCommandTests
{
    private static readonly string[] AppTables = ["api_keys", "execution_llm_usage", "knowledge_bases", "knowledge_chunks", "knowledge_documents", "task_states", "users", "workflow_states"];

    [Theory, DatabaseData]
    public async Task Up_status_and_down_create_and_remove_the_tables(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_migrate");

        var pending = await cli.RunAsync("migrate", "status");
        pending.ExitCode.ShouldBe(0, pending.ToString());
        pending.Stdout.ShouldContain("20261122090000_InitialCreate");
        pending.Stdout.ShouldContain("4 pending; 0 of 4 migrations applied");

        var up = await cli.RunAsync("migrate", "up");
        up.ExitCode.ShouldBe(0, up.ToString());
        up.Stdout.ShouldContain("applied  20261122090000_InitialCreate");
        up.Stdout.ShouldContain("applied  20261122093000_AddTaskStateQueryIndexes");
        up.Stdout.ShouldContain("applied  20261122120000_AddKnowledge");
        up.Stdout.ShouldContain("applied  20261202090000_WidenTokenCountsToBigint");
        (await SchemaReader.ReadAsync(cli.Database)).Tables.Order().ShouldBe(AppTables);

        var status = await cli.RunAsync("migrate", "status", "--json");
        status.ExitCode.ShouldBe(0, status.ToString());
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            json.RootElement.GetProperty("current").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("applied").GetInt32().ShouldBe(4);
            var migrations = json.RootElement.GetProperty("migrations").EnumerateArray().ToList();
            migrations.Select(migration => migration.GetProperty("status").GetString()).ShouldBe(["applied", "applied", "applied", "applied"]);
            migrations.ShouldAllBe(migration => migration.GetProperty("applied_at").GetDateTime() > DateTime.UtcNow.AddHours(-1));
        }

        var downOne = await cli.RunAsync("migrate", "down");
        downOne.ExitCode.ShouldBe(0, downOne.ToString());
        downOne.Stdout.ShouldContain("reverted 20261202090000_WidenTokenCountsToBigint");
        downOne.Stdout.ShouldNotContain("AddKnowledge (");
        downOne.Stdout.ShouldNotContain("AddTaskStateQueryIndexes (");
        downOne.Stdout.ShouldNotContain("InitialCreate (");

        var downAll = await cli.RunAsync("migrate", "down", "--target=0");
        downAll.ExitCode.ShouldBe(0, downAll.ToString());
        (await SchemaReader.ReadAsync(cli.Database)).Tables.ShouldBeEmpty();
    }

    [Theory, DatabaseData]
    public async Task Two_migrate_up_processes_at_once_apply_each_migration_once(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_concurrent");

        var results = await Task.WhenAll(cli.RunAsync("migrate", "up"), cli.RunAsync("migrate", "up"));

        results.ShouldAllBe(result => result.ExitCode == 0, string.Join("\n", results.Select(result => result.ToString())));
        var applied = results.SelectMany(result => result.Stdout.Split('\n')).Where(line => line.StartsWith("applied  ", StringComparison.Ordinal)).ToList();
        applied.Count.ShouldBe(4, string.Join("\n", applied));
        applied.ShouldContain(line => line.Contains("InitialCreate", StringComparison.Ordinal));
        applied.ShouldContain(line => line.Contains("AddTaskStateQueryIndexes", StringComparison.Ordinal));
        (await cli.Database.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
    }

    [Theory, DatabaseData]
    public async Task A_failing_migration_exits_1_naming_it_and_the_database_error(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_failure");
        (await cli.RunAsync("migrate", "up", "--target", "InitialCreate")).ExitCode.ShouldBe(0);
        await cli.Database.ExecuteRawAsync("CREATE INDEX idx_task_states_workflow_exec_id_execution_type ON users (role)");

        var result = await cli.RunAsync("migrate", "up");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldContain("migration 20261122093000_AddTaskStateQueryIndexes failed and was rolled back");
        result.Stderr.ShouldContain("idx_task_states_workflow_exec_id_execution_type");
        var status = await cli.RunAsync("migrate", "status");
        status.Stdout.ShouldContain("3 pending; 1 of 4 migrations applied");
    }

    [Theory, DatabaseData]
    public async Task Reverting_the_64_bit_token_counts_while_a_count_needs_them_exits_1_and_changes_nothing(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_wide_counts");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await cli.Database.ExecuteRawAsync("""
            INSERT INTO "workflow_states" ("workflow_exec_id", "workflow_id", "status") VALUES ('wf-1', 'flow', 'RUNNING');
            INSERT INTO "execution_llm_usage" ("workflow_exec_id", "component", "provider", "model", "prompt_tokens") VALUES ('wf-1', 'agent', 'openai', 'gpt-4o', 2147483648);
            """);

        var result = await cli.RunAsync("migrate", "down");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldContain("migration 20261202090000_WidenTokenCountsToBigint failed and was rolled back");
        result.Stderr.ShouldContain("hold token counts above 2147483647, which the previous version");
        result.Stderr.ShouldContain("so nothing was changed");
        (await cli.RunAsync("migrate", "status")).Stdout.ShouldContain("up to date; 4 of 4 migrations applied");
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
            status.Stdout.ShouldContain("4 pending; 0 of 4 migrations applied");
            status.Stderr.ShouldNotContain("fail:");
            up.ExitCode.ShouldBe(0, up.ToString());
            up.Stdout.ShouldContain("applied 4; 4 of 4 migrations applied");
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
        result.Stderr.ShouldContain("20261122093000_AddTaskStateQueryIndexes");
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
