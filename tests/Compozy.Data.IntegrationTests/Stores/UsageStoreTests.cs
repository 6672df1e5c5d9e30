using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Stores;

public sealed class UsageStoreTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task A_second_upsert_for_the_same_execution_and_component_replaces_the_counts(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);

        var first = await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: 10, completion: 5));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: 30, completion: 1, reasoning: 4));

        second.Id.ShouldBe(first.Id);
        second.PromptTokens.ShouldBe(30);
        second.ReasoningTokens.ShouldBe(4);
        second.CreatedAt.ShouldBe(first.CreatedAt);
        second.UpdatedAt.ShouldBeGreaterThan(first.UpdatedAt);
        (await usage.GetByTaskExecIdAsync(task.TaskExecId)).PromptTokens.ShouldBe(30);

        var own = await usage.UpsertAsync(Row(workflow: workflow.WorkflowExecId, component: UsageComponents.Workflow, prompt: 99));
        (await usage.GetByWorkflowExecIdAsync(workflow.WorkflowExecId)).Id.ShouldBe(own.Id);
    }

    [Theory, DatabaseData]
    public async Task The_summary_adds_tasks_and_components_says_mixed_and_leaves_out_the_workflow_row(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);
        await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: 10, completion: 5, reasoning: 2));
        await usage.UpsertAsync(Row(workflow: workflow.WorkflowExecId, component: "router", prompt: 1, completion: 1));
        await usage.UpsertAsync(Row(workflow: workflow.WorkflowExecId, component: UsageComponents.Workflow, prompt: 1000));

        var single = await usage.SummarizeByWorkflowExecIdAsync(workflow.WorkflowExecId);
        single.Provider.ShouldBe("openai");
        single.Model.ShouldBe("gpt-4o");
        single.Rows.ShouldBe(2);
        single.PromptTokens.ShouldBe(11);
        single.CompletionTokens.ShouldBe(6);
        single.TotalTokens.ShouldBe(17);
        single.ReasoningTokens.ShouldBe(2);
        single.CachedPromptTokens.ShouldBeNull();

        await usage.UpsertAsync(Row(task: task.TaskExecId, component: "tool", prompt: 2, provider: "anthropic", model: "claude"));
        var mixed = await usage.SummarizeByWorkflowExecIdAsync(workflow.WorkflowExecId);
        mixed.Provider.ShouldBe(UsageTotals.Mixed);
        mixed.Model.ShouldBe(UsageTotals.Mixed);
        mixed.Rows.ShouldBe(3);
    }

    [Theory, DatabaseData]
    public async Task Missing_usage_is_not_found_and_a_row_for_an_unknown_execution_is_a_foreign_key_error(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);
        (await Should.ThrowAsync<CompozyDataException>(() => usage.GetByTaskExecIdAsync(task.TaskExecId))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => usage.GetByWorkflowExecIdAsync(workflow.WorkflowExecId))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => usage.SummarizeByWorkflowExecIdAsync(workflow.WorkflowExecId))).Kind.ShouldBe(DbErrorKind.NotFound);
        var unknown = await Should.ThrowAsync<CompozyDataException>(() => usage.UpsertAsync(Row(task: "no-such-task", component: "agent", prompt: 1)));
        unknown.Kind.ShouldBe(DbErrorKind.ForeignKey);
        unknown.Reference.ShouldBe("task_exec_id");
    }

    [Theory, DatabaseData]
    public async Task A_row_without_names_or_with_both_or_no_execution_is_refused_before_the_database(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);
        await Should.ThrowAsync<ArgumentException>(() => usage.UpsertAsync(Row(task: task.TaskExecId, component: " ", prompt: 1)));
        await Should.ThrowAsync<ArgumentException>(() => usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: 1, provider: "")));
        await Should.ThrowAsync<ArgumentException>(() => usage.UpsertAsync(Row(task: task.TaskExecId, workflow: workflow.WorkflowExecId, component: "agent", prompt: 1)));
        await Should.ThrowAsync<ArgumentException>(() => usage.UpsertAsync(Row(component: "agent", prompt: 1)));
    }

    [Theory, DatabaseData]
    public async Task Counts_past_the_old_32_bit_limit_are_stored_and_summed_exactly(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);
        const long Wide = int.MaxValue + 1L;

        var row = await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: Wide, completion: long.MaxValue, reasoning: Wide));
        (row.PromptTokens, row.CompletionTokens, row.ReasoningTokens).ShouldBe((Wide, long.MaxValue, (long?)Wide));
        var read = await usage.GetByTaskExecIdAsync(task.TaskExecId);
        (read.PromptTokens, read.CompletionTokens, read.ReasoningTokens).ShouldBe((Wide, long.MaxValue, (long?)Wide));

        await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: Wide, completion: 1, reasoning: Wide));
        await usage.UpsertAsync(Row(workflow: workflow.WorkflowExecId, component: "router", prompt: int.MaxValue, completion: 0, reasoning: 1));
        var summary = await usage.SummarizeByWorkflowExecIdAsync(workflow.WorkflowExecId);
        summary.PromptTokens.ShouldBe(Wide + int.MaxValue);
        summary.TotalTokens.ShouldBe(Wide + int.MaxValue + 1);
        summary.ReasoningTokens.ShouldBe(Wide + 1);
    }

    [Theory, DatabaseData]
    public async Task A_summary_that_would_pass_64_bits_is_a_conflict_naming_the_count_and_the_rows_stay(DatabaseKind database)
    {
        var (usage, workflow, task) = await ExecutionAsync(database);
        await usage.UpsertAsync(Row(task: task.TaskExecId, component: "agent", prompt: 1, completion: long.MaxValue));
        await usage.UpsertAsync(Row(workflow: workflow.WorkflowExecId, component: "router", prompt: 1, completion: 1));

        var refused = await Should.ThrowAsync<CompozyDataException>(() => usage.SummarizeByWorkflowExecIdAsync(workflow.WorkflowExecId));

        refused.Kind.ShouldBe(DbErrorKind.Conflict);
        refused.Message.ShouldContain("completion_tokens");
        refused.Message.ShouldContain("9223372036854775807");
        refused.Message.ShouldContain(workflow.WorkflowExecId);
        (await usage.GetByTaskExecIdAsync(task.TaskExecId)).CompletionTokens.ShouldBe(long.MaxValue);
    }

    private async Task<(IUsageStore Usage, WorkflowState Workflow, TaskState Task)> ExecutionAsync(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var task = await db.Services.GetRequiredService<ITaskStore>().UpsertStateAsync(TaskOf(workflow));
        return (db.Services.GetRequiredService<IUsageStore>(), workflow, task);
    }

    private static ExecutionLlmUsage Row(
        string component, long prompt, string? task = null, string? workflow = null, long completion = 0, long? reasoning = null,
        string provider = "openai", string model = "gpt-4o") => new()
    {
        TaskExecId = task,
        WorkflowExecId = workflow,
        Component = component,
        Provider = provider,
        Model = model,
        PromptTokens = prompt,
        CompletionTokens = completion,
        ReasoningTokens = reasoning,
    };
}
