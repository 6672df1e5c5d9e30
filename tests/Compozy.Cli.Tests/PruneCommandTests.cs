using System.Globalization;
using System.Text;
using System.Text.Json;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Cli.Tests;

/// <summary><c>compozy db prune</c> as an operator runs it, and the examples of its section in docs/cli/db.md.</summary>
public sealed class PruneCommandTests
{
    private const string Page = "docs/cli/db.md";

    [Theory, DatabaseData]
    public async Task A_dry_run_prints_the_counts_and_changes_nothing_and_the_prune_deletes_them_in_batches(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_prune");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await SeedAsync(cli.Database, ("old", "SUCCESS", 7), ("old", "FAILED", 3), ("old", "RUNNING", 4), ("new", "SUCCESS", 5));
        var before = await WorkflowsAsync(cli.Database);

        var dryRun = await cli.RunAsync("db", "prune", "--older-than", "30d", "--status", "SUCCESS,FAILED", "--dry-run", "--json");

        dryRun.ExitCode.ShouldBe(0, dryRun.ToString());
        using (var json = JsonDocument.Parse(dryRun.Stdout))
        {
            json.RootElement.GetProperty("driver").GetString().ShouldBe(database == DatabaseKind.Sqlite ? "sqlite" : "postgres");
            json.RootElement.GetProperty("dry_run").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("workflows").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("tasks").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("batches").GetInt32().ShouldBe(0);
            json.RootElement.GetProperty("vacuum").GetString().ShouldBe("skipped");
        }

        (await WorkflowsAsync(cli.Database)).ShouldBe(before, "a dry run changes nothing");

        var pruned = await cli.RunAsync("db", "prune", "--older-than", "30d", "--status", "success,failed", "--batch-size", "4", "--json");

        pruned.ExitCode.ShouldBe(0, pruned.ToString());
        using (var json = JsonDocument.Parse(pruned.Stdout))
        {
            json.RootElement.GetProperty("dry_run").GetBoolean().ShouldBeFalse();
            json.RootElement.GetProperty("workflows").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("tasks").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("batches").GetInt32().ShouldBe(3);
            json.RootElement.GetProperty("vacuum").GetString().ShouldBe(database == DatabaseKind.Sqlite ? "incremental" : "vacuum_analyze");
        }

        (await WorkflowsAsync(cli.Database)).ShouldBe(before.Where(id => !id.StartsWith("old-SUCCESS-", StringComparison.Ordinal) && !id.StartsWith("old-FAILED-", StringComparison.Ordinal)).ToList());
        pruned.Stderr.ShouldContain("prune completed: 10 workflows, 10 tasks, 0 usage rows in 3 batches");
    }

    [Theory, DatabaseData]
    public async Task Bad_flags_exit_2_naming_the_flag_and_what_is_allowed_and_change_nothing(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_prune_bad");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await SeedAsync(cli.Database, ("old", "SUCCESS", 3), ("old", "RUNNING", 2));
        var before = await WorkflowsAsync(cli.Database);
        string[][] cases =
        [
            [],
            ["--older-than", "0s"],
            ["--older-than", "-1d"],
            ["--older-than", "soon"],
            ["--older-than", "30d", "--status", "SUCCESS,RUNNING"],
            ["--older-than", "30d", "--status", "PENDING"],
            ["--older-than", "30d", "--status", ""],
            ["--older-than", "30d", "--batch-size", "0"],
            ["--older-than", "30d", "--batch-size", "many"],
        ];
        string[] expected =
        [
            "compozy: --older-than is required; allowed: a duration such as 30d, 12h or 90m, from 1m to 36500d",
            "compozy: --older-than: \"0s\" is out of range; allowed: a duration such as 30d",
            "compozy: --older-than: \"-1d\" is not a duration; allowed: a duration such as 30d",
            "compozy: --older-than: \"soon\" is not a duration; allowed:",
            "compozy: --status: \"SUCCESS,RUNNING\" has \"RUNNING\", which is not allowed; allowed: one or more of SUCCESS, FAILED, TIMED_OUT, CANCELED, separated by commas",
            "compozy: --status: \"PENDING\" has \"PENDING\", which is not allowed",
            "compozy: --status: \"\" has an empty item",
            "compozy: --batch-size: \"0\" is out of range; allowed: an integer from 1 to 10000",
            "compozy: --batch-size: \"many\" is not an integer",
        ];

        for (var index = 0; index < cases.Length; index++)
        {
            var result = await cli.RunAsync(["db", "prune", .. cases[index]]);

            result.ExitCode.ShouldBe(2, result.ToString());
            result.Stderr.ShouldContain(expected[index], Case.Sensitive, result.ToString());
            result.Stdout.ShouldBeEmpty();
        }

        (await WorkflowsAsync(cli.Database)).ShouldBe(before);
    }

    [Fact]
    public async Task A_prune_runs_next_to_a_running_sqlite_host_taking_turns_for_the_writer_and_the_host_stops_cleanly()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_prune_live");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await SeedAsync(cli.Database, ("old", "SUCCESS", 1000), ("new", "SUCCESS", 10));

        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        var pruned = await cli.RunAsync("db", "prune", "--older-than", "30d", "--batch-size", "100", "--json");

        pruned.ExitCode.ShouldBe(0, pruned.ToString());
        using (var json = JsonDocument.Parse(pruned.Stdout))
        {
            json.RootElement.GetProperty("workflows").GetInt32().ShouldBe(1000);
            json.RootElement.GetProperty("batches").GetInt32().ShouldBe(10);
            json.RootElement.GetProperty("freelist_pages_after").GetInt64().ShouldBe(0);
        }

        (await host.TerminateAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, host.Stderr);
        (await WorkflowsAsync(cli.Database)).Count.ShouldBe(10);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'").ShouldBe(0);
    }

    [Fact]
    public async Task The_prune_examples_of_the_db_page_print_what_the_page_shows()
    {
        var lines = File.ReadAllLines(Path.Combine(DocumentationSession.RepositoryRoot, Page));
        var (first, last) = (Array.IndexOf(lines, "## db prune") + 1, Array.IndexOf(lines, "### Scheduled pruning") + 1);
        var examples = DocumentationSession.Commands(Page).Where(example => example.Line > first && example.Line < last).ToList();
        examples.Count.ShouldBeGreaterThanOrEqualTo(6, $"{Page}: too few commands found in the db prune section");
        var directory = Directory.CreateTempSubdirectory("compozy-prune-docs-");
        string[] outputs;
        try
        {
            // The page creates the database and its history itself, in the reader's directory.
            outputs = await DocumentationSession.RunAsync(Page, examples, directory.FullName, DocumentationSession.UserEnvironment());
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        DocumentationSession.Mismatches(Page, examples, outputs).ShouldBeEmpty($"outputs differ from {Page}");
    }

    /// <summary>
    /// Inserts workflow executions (old: updated 2020-01-01; new: 2099-01-01), each with one task
    /// carrying a 4 KiB output, with plain SQL both databases accept.
    /// </summary>
    private static async Task SeedAsync(TestDatabase database, params (string Age, string Status, int Count)[] groups)
    {
        var output = "'{\"text\":\"" + new string('x', 4096) + "\"}'";
        foreach (var (age, status, count) in groups)
        {
            for (var start = 0; start < count; start += 200)
            {
                var workflows = new StringBuilder("INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, created_at, updated_at) VALUES ");
                var tasks = new StringBuilder("INSERT INTO task_states (task_exec_id, task_id, component, status, workflow_exec_id, workflow_id, execution_type, output, created_at, updated_at) VALUES ");
                for (var index = start; index < Math.Min(count, start + 200); index++)
                {
                    var at = age == "old" ? "'2020-01-01 00:00:00'" : "'2099-01-01 00:00:00'";
                    var id = string.Create(CultureInfo.InvariantCulture, $"{age}-{status}-{index:D5}");
                    var separator = index == start ? string.Empty : ", ";
                    workflows.Append(CultureInfo.InvariantCulture, $"{separator}('{id}', 'docs', '{status}', {at}, {at})");
                    tasks.Append(CultureInfo.InvariantCulture, $"{separator}('{id}-task', 'step', 'task', '{status}', '{id}', 'docs', 'basic', {output}, {at}, {at})");
                }

                await database.ExecuteRawAsync(workflows.ToString());
                await database.ExecuteRawAsync(tasks.ToString());
            }
        }
    }

    private static async Task<List<string>> WorkflowsAsync(TestDatabase database)
    {
        await using var context = await database.Contexts.CreateDbContextAsync();
        return await context.WorkflowStates.AsNoTracking().OrderBy(workflow => workflow.WorkflowExecId).Select(workflow => workflow.WorkflowExecId).ToListAsync();
    }
}
