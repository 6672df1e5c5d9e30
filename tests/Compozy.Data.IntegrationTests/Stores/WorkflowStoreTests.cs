using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;
using static Compozy.Data.IntegrationTests.Stores.TaskStoreTests;

namespace Compozy.Data.IntegrationTests.Stores;

public sealed class WorkflowStoreTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task Concurrent_upserts_each_return_and_store_their_own_row(DatabaseKind database)
    {
        // PostgreSQL runs these on as many connections at once; SQLite groups them into shared
        // commits. Whatever the upsert's statement reuses between calls must not be shared
        // between two of them in flight.
        const int Writers = 48;
        var (workflows, _) = await StoresAsync(database);
        var written = Enumerable.Range(0, Writers).Select(index =>
        {
            var workflow = Workflow();
            workflow.Input = Json($$"""{"writer":{{index}}}""");
            return workflow;
        }).ToList();

        var returned = await Task.WhenAll(written.Select(workflow => Task.Run(() => workflows.UpsertStateAsync(workflow))));

        for (var index = 0; index < Writers; index++)
        {
            returned[index].WorkflowExecId.ShouldBe(written[index].WorkflowExecId, "each caller gets the row of its own statement");
            returned[index].Input!.Value.GetProperty("writer").GetInt32().ShouldBe(index);
            var stored = await workflows.GetStateAsync(written[index].WorkflowExecId);
            stored.State.Input!.Value.GetProperty("writer").GetInt32().ShouldBe(index);
        }
    }

    [Theory, DatabaseData]
    public async Task A_workflow_reads_back_with_the_map_of_its_tasks(DatabaseKind database)
    {
        var (workflows, tasks) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());
        var fetch = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.TaskId = "fetch"));

        var snapshot = await workflows.GetStateAsync(workflow.WorkflowExecId);

        snapshot.State.WorkflowId.ShouldBe("order-pipeline");
        snapshot.State.Input!.Value.GetProperty("order").GetInt32().ShouldBe(42);
        snapshot.Tasks.Keys.ShouldBe(["fetch"]);
        snapshot.Tasks["fetch"].TaskExecId.ShouldBe(fetch.TaskExecId);

        var changed = Workflow(workflow.WorkflowExecId);
        changed.Status = ExecutionStatus.Paused;
        changed.Input = null;
        var replaced = await workflows.UpsertStateAsync(changed);
        replaced.CreatedAt.ShouldBe(workflow.CreatedAt);
        replaced.Status.ShouldBe(ExecutionStatus.Paused);
        replaced.Input.ShouldBeNull();

        var missing = await Should.ThrowAsync<CompozyDataException>(() => workflows.GetStateAsync("no-such-workflow"));
        missing.Kind.ShouldBe(DbErrorKind.NotFound);
        missing.Message.ShouldContain("no-such-workflow");
    }

    [Theory, DatabaseData]
    public async Task Listing_filters_by_status_and_workflow_and_pages(DatabaseKind database)
    {
        var (workflows, _) = await StoresAsync(database);
        var workflowId = NewId("flow");
        var ids = new List<string>();
        for (var index = 0; index < 5; index++)
        {
            var state = Workflow();
            state.WorkflowId = workflowId;
            state.Status = index % 2 == 0 ? ExecutionStatus.Running : ExecutionStatus.Success;
            ids.Add((await workflows.UpsertStateAsync(state)).WorkflowExecId);
        }

        var running = await workflows.ListStatesAsync(new WorkflowStateFilter { WorkflowId = workflowId, Status = ExecutionStatus.Running }, PageRequest.First);
        running.Items.Select(state => state.WorkflowExecId).ShouldBe([ids[0], ids[2], ids[4]], ignoreOrder: true);

        var first = await workflows.ListStatesAsync(new WorkflowStateFilter { WorkflowId = workflowId }, new PageRequest { Limit = 4 });
        first.Items.Count.ShouldBe(4);
        var second = await workflows.ListStatesAsync(new WorkflowStateFilter { WorkflowId = workflowId }, new PageRequest { Limit = 4, After = first.NextCursor });
        second.Items.Count.ShouldBe(1);
        second.NextCursor.ShouldBeNull();
        first.Items.Concat(second.Items).Select(state => state.WorkflowExecId).ShouldBe(ids, ignoreOrder: true);
        (await workflows.ListStatesAsync(new WorkflowStateFilter { WorkflowExecId = ids[3] }, PageRequest.First)).Items.Single().WorkflowExecId.ShouldBe(ids[3]);
    }

    [Theory, DatabaseData]
    public async Task The_status_changes_alone_and_an_unknown_execution_is_not_found(DatabaseKind database)
    {
        var (workflows, _) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());

        await workflows.UpdateStatusAsync(workflow.WorkflowExecId, ExecutionStatus.Canceled);

        var stored = (await workflows.GetStateAsync(workflow.WorkflowExecId)).State;
        stored.Status.ShouldBe(ExecutionStatus.Canceled);
        stored.Input!.Value.GetProperty("order").GetInt32().ShouldBe(42);
        stored.UpdatedAt.ShouldBeGreaterThan(workflow.UpdatedAt);
        (await Should.ThrowAsync<CompozyDataException>(() => workflows.UpdateStatusAsync("no-such-workflow", ExecutionStatus.Failed))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task The_latest_execution_is_found_by_workflow_task_agent_and_tool(DatabaseKind database)
    {
        var (workflows, tasks) = await StoresAsync(database);
        var workflowId = NewId("flow");
        var older = Workflow();
        older.WorkflowId = workflowId;
        older = await workflows.UpsertStateAsync(older);
        await tasks.UpsertStateAsync(With(TaskOf(older), task =>
        {
            task.TaskId = "draft";
            task.AgentId = "writer";
            task.ActionId = "compose";
        }));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = Workflow();
        newer.WorkflowId = workflowId;
        newer = await workflows.UpsertStateAsync(newer);
        await tasks.UpsertStateAsync(With(TaskOf(newer), task =>
        {
            task.TaskId = "lookup";
            task.ToolId = "search";
        }));

        (await workflows.GetStateByIdAsync(workflowId)).State.WorkflowExecId.ShouldBe(newer.WorkflowExecId);
        var byTask = await workflows.GetStateByTaskIdAsync(workflowId, "draft");
        byTask.State.WorkflowExecId.ShouldBe(older.WorkflowExecId);
        byTask.Tasks.Keys.ShouldBe(["draft"]);
        (await workflows.GetStateByAgentIdAsync(workflowId, "writer")).State.WorkflowExecId.ShouldBe(older.WorkflowExecId);
        (await workflows.GetStateByToolIdAsync(workflowId, "search")).State.WorkflowExecId.ShouldBe(newer.WorkflowExecId);
        (await Should.ThrowAsync<CompozyDataException>(() => workflows.GetStateByToolIdAsync(workflowId, "calculator"))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => workflows.GetStateByIdAsync(NewId("unknown")))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Completion_waits_for_unfinished_tasks_then_builds_the_output_map_once(DatabaseKind database)
    {
        var (workflows, tasks) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());
        var fetch = await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
        {
            task.TaskId = "fetch";
            task.Status = ExecutionStatus.Running;
        }));
        var fanOut = await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
        {
            task.TaskId = "fan-out";
            task.ExecutionType = ExecutionType.Parallel;
            task.Status = ExecutionStatus.Success;
            task.Output = Json("""{"parts":2}""");
        }));

        var early = await Should.ThrowAsync<CompozyDataException>(() => workflows.CompleteWorkflowAsync(workflow.WorkflowExecId));
        early.Kind.ShouldBe(DbErrorKind.Conflict);
        early.Message.ShouldContain("fetch (RUNNING)");
        (await workflows.GetStateAsync(workflow.WorkflowExecId)).State.Status.ShouldBe(ExecutionStatus.Running);

        fetch.Status = ExecutionStatus.Success;
        fetch.Output = Json("""{"rows":3}""");
        await tasks.UpsertStateAsync(fetch);
        var completed = await workflows.CompleteWorkflowAsync(workflow.WorkflowExecId);

        completed.State.Status.ShouldBe(ExecutionStatus.Success);
        completed.State.Error.ShouldBeNull();
        var output = completed.State.Output!.Value;
        output.GetProperty("fetch").GetProperty("output").GetProperty("rows").GetInt32().ShouldBe(3);
        output.GetProperty("fan-out").GetProperty("execution_type").GetString().ShouldBe("parallel");
        output.GetProperty("fan-out").GetProperty("output").GetProperty("parts").GetInt32().ShouldBe(2);

        // Completing again changes nothing, even with a transformer that would.
        var again = await workflows.CompleteWorkflowAsync(workflow.WorkflowExecId, (_, _) => Json("""{"changed":true}"""));
        JsonElement.DeepEquals(again.State.Output!.Value, output).ShouldBeTrue();
        again.State.UpdatedAt.ShouldBe(completed.State.UpdatedAt);
        _ = fanOut;
    }

    [Theory, DatabaseData]
    public async Task A_failed_top_level_task_or_a_failing_transformer_fails_the_workflow(DatabaseKind database)
    {
        var (workflows, tasks) = await StoresAsync(database);
        var failedTask = await workflows.UpsertStateAsync(Workflow());
        var parent = await tasks.UpsertStateAsync(With(TaskOf(failedTask), task =>
        {
            task.ExecutionType = ExecutionType.Collection;
            task.Status = ExecutionStatus.Failed;
        }));
        await tasks.UpsertStateAsync(With(TaskOf(failedTask, parent.TaskExecId), task =>
        {
            task.TaskId = "item";
            task.Status = ExecutionStatus.Running;
        }));

        // A running child does not hold completion back: only top-level tasks do.
        (await workflows.CompleteWorkflowAsync(failedTask.WorkflowExecId)).State.Status.ShouldBe(ExecutionStatus.Failed);

        var transformed = await workflows.UpsertStateAsync(Workflow());
        await tasks.UpsertStateAsync(With(TaskOf(transformed), task => task.Status = ExecutionStatus.Success));
        var result = await workflows.CompleteWorkflowAsync(transformed.WorkflowExecId, (_, _) => throw new FormatException("template broke"));
        result.State.Status.ShouldBe(ExecutionStatus.Failed);
        result.State.Error!.Value.GetProperty("code").GetString().ShouldBe("OUTPUT_TRANSFORMATION_FAILED");
        result.State.Error!.Value.GetProperty("message").GetString().ShouldBe("template broke");
        result.State.Output!.Value.TryGetProperty("summarize", out _).ShouldBeTrue("the default output map is kept");

        var custom = await workflows.UpsertStateAsync(Workflow());
        var done = await workflows.CompleteWorkflowAsync(custom.WorkflowExecId, (state, map) => Json($$"""{"tasks":{{map.Count}},"id":"{{state.WorkflowExecId}}"}"""));
        done.State.Status.ShouldBe(ExecutionStatus.Success);
        done.State.Output!.Value.GetProperty("tasks").GetInt32().ShouldBe(0);
    }

    [Theory, DatabaseData]
    public async Task Completion_follows_Compozy_pending_running_and_waiting_hold_it_back_paused_does_not(DatabaseKind database)
    {
        var (workflows, tasks) = await StoresAsync(database);

        async Task<WorkflowState> WithTopLevelTaskAsync(ExecutionStatus status)
        {
            var workflow = await workflows.UpsertStateAsync(Workflow());
            await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
            {
                task.TaskId = "done";
                task.Status = ExecutionStatus.Success;
            }));
            await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
            {
                task.TaskId = "step";
                task.Status = status;
            }));
            return (await workflows.GetStateAsync(workflow.WorkflowExecId)).State;
        }

        foreach (var status in new[] { ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Waiting })
        {
            var workflow = await WithTopLevelTaskAsync(status);
            var refused = await Should.ThrowAsync<CompozyDataException>(() => workflows.CompleteWorkflowAsync(workflow.WorkflowExecId));
            refused.Kind.ShouldBe(DbErrorKind.Conflict);
            refused.Message.ShouldContain($"step ({Compozy.Data.Persistence.Conventions.StoredNames.Of(status)}) not finished");
            var unchanged = (await workflows.GetStateAsync(workflow.WorkflowExecId)).State;
            (unchanged.Status, unchanged.Output, unchanged.UpdatedAt).ShouldBe((ExecutionStatus.Running, null, workflow.UpdatedAt), $"refused with a {status} task, it writes nothing");
        }

        (await workflows.CompleteWorkflowAsync((await WithTopLevelTaskAsync(ExecutionStatus.Paused)).WorkflowExecId)).State.Status.ShouldBe(ExecutionStatus.Success);
        foreach (var status in new[] { ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.Canceled })
        {
            (await workflows.CompleteWorkflowAsync((await WithTopLevelTaskAsync(status)).WorkflowExecId)).State.Status.ShouldBe(ExecutionStatus.Failed, $"a {status} top-level task");
        }
    }

    [Theory, DatabaseData]
    public async Task Workflow_usage_merges_like_task_usage(DatabaseKind database)
    {
        var (workflows, _) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());

        await workflows.MergeUsageAsync(workflow.WorkflowExecId, Usage(("openai", "gpt-4o", 3)));
        var merged = await workflows.MergeUsageAsync(workflow.WorkflowExecId, Usage(("openai", "gpt-4o", 4), ("openai", "gpt-4o-mini", 1)));

        var entries = Compozy.Data.Stores.Usage.UsageSummary.FromJson(merged.Usage).Entries;
        entries.Select(entry => (entry.Model, entry.TotalTokens)).ShouldBe([("gpt-4o", 12 + 7), ("gpt-4o-mini", 1)]);
        (await Should.ThrowAsync<CompozyDataException>(() => workflows.MergeUsageAsync("no-such-workflow", Usage(("a", "b", 1))))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Workflow_usage_adds_past_the_old_32_bit_limit_and_refuses_a_sum_past_64_bits(DatabaseKind database)
    {
        var (workflows, _) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());

        await workflows.MergeUsageAsync(workflow.WorkflowExecId, Usage(("openai", "gpt-4o", int.MaxValue)));
        var wide = await workflows.MergeUsageAsync(workflow.WorkflowExecId, Usage(("openai", "gpt-4o", 1)));
        Compozy.Data.Stores.Usage.UsageSummary.FromJson(wide.Usage).Entries.Single().PromptTokens.ShouldBe(int.MaxValue + 1L);

        var refused = await Should.ThrowAsync<CompozyDataException>(() => workflows.MergeUsageAsync(workflow.WorkflowExecId, Usage(("openai", "gpt-4o", long.MaxValue))));
        refused.Kind.ShouldBe(DbErrorKind.Conflict);
        refused.Message.ShouldContain("nothing was written");
        var after = (await workflows.GetStateAsync(workflow.WorkflowExecId)).State;
        after.UpdatedAt.ShouldBe(wide.UpdatedAt);
        JsonElement.DeepEquals(after.Usage!.Value, wide.Usage!.Value).ShouldBeTrue();
    }

    private async Task<(IWorkflowStore Workflows, ITaskStore Tasks)> StoresAsync(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        return (db.Services.GetRequiredService<IWorkflowStore>(), db.Services.GetRequiredService<ITaskStore>());
    }
}
