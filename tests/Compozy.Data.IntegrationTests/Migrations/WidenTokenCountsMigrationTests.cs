using System.Data.Common;
using Compozy.Data.Migrations;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Migrations;

public sealed class WidenTokenCountsMigrationTests
{
    private const string WideCounts = "20261202090000_WidenTokenCountsToBigint";
    private const long OldLimit = int.MaxValue;

    [Theory, DatabaseData]
    public async Task A_database_of_the_previous_version_upgrades_with_every_count_intact_and_then_takes_wider_ones(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "widen_upgrade");
        await db.Migrations.UpAsync("AddKnowledge");
        await db.ExecuteRawAsync("""
            INSERT INTO "workflow_states" ("workflow_exec_id", "workflow_id", "status", "usage")
            VALUES ('wf-old', 'flow', 'RUNNING', '[{"provider":"openai","model":"gpt-4o","prompt_tokens":2147483647,"completion_tokens":0,"total_tokens":2147483647}]');
            INSERT INTO "task_states" ("task_exec_id", "task_id", "component", "status", "workflow_exec_id", "workflow_id")
            VALUES ('task-old', 'draft', 'task', 'RUNNING', 'wf-old', 'flow');
            INSERT INTO "execution_llm_usage" ("task_exec_id", "component", "provider", "model", "prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens")
            VALUES ('task-old', 'agent', 'openai', 'gpt-4o', 2147483647, 2147483646, 2147483647, 7);
            """);

        (await db.Migrations.UpAsync()).Select(step => step.Id).ShouldBe([WideCounts]);

        var usage = db.Services.GetRequiredService<IUsageStore>();
        var row = await usage.GetByTaskExecIdAsync("task-old");
        (row.PromptTokens, row.CompletionTokens, row.TotalTokens, row.ReasoningTokens).ShouldBe((OldLimit, OldLimit - 1, OldLimit, (long?)7));

        // The old limit plus one is stored exactly, in a row and in the merged JSON array.
        row.PromptTokens = OldLimit + 1;
        (await usage.UpsertAsync(row)).PromptTokens.ShouldBe(OldLimit + 1);
        (await usage.GetByTaskExecIdAsync("task-old")).PromptTokens.ShouldBe(OldLimit + 1);
        var merged = await db.Services.GetRequiredService<IWorkflowStore>().MergeUsageAsync(
            "wf-old", new UsageSummary([new UsageEntry { Provider = "openai", Model = "gpt-4o", PromptTokens = 1 }]));
        var entry = UsageSummary.FromJson(merged.Usage).Entries.Single();
        (entry.PromptTokens, entry.TotalTokens).ShouldBe((OldLimit + 1, OldLimit + 1));
        (await usage.SummarizeByWorkflowExecIdAsync("wf-old")).TotalTokens.ShouldBe(OldLimit);
    }

    [Theory, DatabaseData]
    public async Task Reverting_refuses_while_a_count_needs_64_bits_and_changes_nothing(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "widen_down");
        await db.MigrateAsync();
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var tasks = db.Services.GetRequiredService<ITaskStore>();
        var task = await tasks.UpsertStateAsync(TaskOf(workflow));
        var usage = db.Services.GetRequiredService<IUsageStore>();
        var row = await usage.UpsertAsync(new()
        {
            TaskExecId = task.TaskExecId,
            Component = "agent",
            Provider = "openai",
            Model = "gpt-4o",
            CachedPromptTokens = OldLimit + 1,
        });

        // A wide count in a row.
        await ShouldRefuseAsync(db);
        (await usage.GetByTaskExecIdAsync(task.TaskExecId)).CachedPromptTokens.ShouldBe(OldLimit + 1);

        // A wide count in a task's usage array only.
        row.CachedPromptTokens = OldLimit;
        await usage.UpsertAsync(row);
        await tasks.MergeUsageAsync(task.TaskExecId, new UsageSummary([new UsageEntry { Provider = "openai", Model = "gpt-4o", CompletionTokens = OldLimit + 1 }]));
        await ShouldRefuseAsync(db);

        // Once every count fits 32 bits again, it reverts and keeps them.
        task.Usage = null;
        await tasks.UpsertStateAsync(task);
        (await db.Migrations.DownAsync()).Select(step => step.Id).ShouldBe([WideCounts]);
        (await ScalarAsync(db, "SELECT \"cached_prompt_tokens\" FROM \"execution_llm_usage\"")).ShouldBe(OldLimit);
        if (database == DatabaseKind.Postgres)
        {
            (await ScalarAsync(db, "SELECT data_type FROM information_schema.columns WHERE table_name = 'execution_llm_usage' AND column_name = 'prompt_tokens'"))
                .ShouldBe("integer");
        }

        (await db.Migrations.UpAsync()).Select(step => step.Id).ShouldBe([WideCounts]);
        (await usage.GetByTaskExecIdAsync(task.TaskExecId)).CachedPromptTokens.ShouldBe(OldLimit);
    }

    private static async Task ShouldRefuseAsync(TestDatabase db)
    {
        var refused = await Should.ThrowAsync<MigrationFailedException>(() => db.Migrations.DownAsync());
        refused.MigrationId.ShouldBe(WideCounts);
        refused.Message.ShouldContain("cannot revert 20261202090000_WidenTokenCountsToBigint");
        refused.Message.ShouldContain("above 2147483647");
        var status = await db.Migrations.GetStatusAsync();
        status.IsCurrent.ShouldBeTrue("a refused revert leaves the migration applied");
        if (db.Kind == DatabaseKind.Postgres)
        {
            (await ScalarAsync(db, "SELECT data_type FROM information_schema.columns WHERE table_name = 'execution_llm_usage' AND column_name = 'prompt_tokens'"))
                .ShouldBe("bigint");
        }
    }

    private static async Task<object?> ScalarAsync(TestDatabase db, string sql)
    {
        await using DbConnection connection = db.Kind == DatabaseKind.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db.Location};Pooling=False")
            : new Npgsql.NpgsqlConnection(db.Location);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is int number ? (long)number : value;
    }
}
