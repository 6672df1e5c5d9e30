using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Stores;

public sealed class TaskStoreTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task An_upsert_inserts_then_replaces_every_field_but_the_creation_time(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var state = TaskOf(workflow);
        state.AgentId = "writer";
        state.ActionId = "draft";
        state.Input = Json("""{"topic":"tides"}""");

        var inserted = await tasks.UpsertStateAsync(state);
        inserted.TaskExecId.ShouldBe(state.TaskExecId);
        inserted.Status.ShouldBe(ExecutionStatus.Pending);
        inserted.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
        inserted.CreatedAt.ShouldBe(inserted.UpdatedAt);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        state.Status = ExecutionStatus.Success;
        state.Output = Json("""{"text":"done"}""");
        state.Input = null;
        var updated = await tasks.UpsertStateAsync(state);

        updated.CreatedAt.ShouldBe(inserted.CreatedAt);
        updated.UpdatedAt.ShouldBeGreaterThan(inserted.UpdatedAt);
        updated.Status.ShouldBe(ExecutionStatus.Success);
        updated.Input.ShouldBeNull();
        var read = await tasks.GetStateAsync(state.TaskExecId);
        read.Output!.Value.GetProperty("text").GetString().ShouldBe("done");
        read.AgentId.ShouldBe("writer");
    }

    [Theory, DatabaseData]
    public async Task An_upsert_the_schema_refuses_is_typed_and_writes_nothing(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var orphan = TaskOf(Workflow());
        var refused = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(orphan));
        refused.Kind.ShouldBe(DbErrorKind.ForeignKey);
        refused.Reference.ShouldBe("workflow_exec_id", "the store works out which reference is missing, on SQLite too");

        var both = TaskOf(workflow);
        both.AgentId = "writer";
        both.ActionId = "draft";
        both.ToolId = "search";
        var check = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(both));
        check.Kind.ShouldBe(DbErrorKind.Check);
        check.Message.ShouldContain("ck_task_states_execution_type_components");

        (await tasks.ListStatesAsync(new TaskStateFilter { WorkflowExecId = workflow.WorkflowExecId }, PageRequest.First)).Items.ShouldBeEmpty();
    }

    [Theory, DatabaseData]
    public async Task An_unknown_id_is_not_found_naming_the_id(DatabaseKind database)
    {
        var (tasks, _) = await WorkflowAsync(database);
        var missing = await Should.ThrowAsync<CompozyDataException>(() => tasks.GetStateAsync("no-such-task"));
        missing.Kind.ShouldBe(DbErrorKind.NotFound);
        missing.Message.ShouldContain("no-such-task");
        (await Should.ThrowAsync<CompozyDataException>(() => tasks.GetTaskTreeAsync("no-such-task"))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => tasks.GetChildByTaskIdAsync("no-such-task", "x"))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await Should.ThrowAsync<CompozyDataException>(() => tasks.MergeUsageAsync("no-such-task", Usage(("openai", "gpt-4o", 1))))).Kind.ShouldBe(DbErrorKind.NotFound);
    }

    [Theory, DatabaseData]
    public async Task Every_filter_field_narrows_the_listing(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var parent = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Parallel));
        var agent = await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task =>
        {
            task.TaskId = "draft";
            task.AgentId = "writer";
            task.ActionId = "compose";
            task.Status = ExecutionStatus.Running;
        }));
        var tool = await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task =>
        {
            task.TaskId = "lookup";
            task.ToolId = "search";
            task.Status = ExecutionStatus.Failed;
        }));

        async Task<IReadOnlyList<string>> Ids(TaskStateFilter filter) =>
            (await tasks.ListStatesAsync(filter with { WorkflowExecId = workflow.WorkflowExecId }, PageRequest.First)).Items.Select(task => task.TaskExecId).ToList();

        (await Ids(new TaskStateFilter())).ShouldBe([parent.TaskExecId, agent.TaskExecId, tool.TaskExecId], ignoreOrder: true);
        (await Ids(new TaskStateFilter { Status = ExecutionStatus.Running })).ShouldBe([agent.TaskExecId]);
        (await Ids(new TaskStateFilter { TaskId = "lookup" })).ShouldBe([tool.TaskExecId]);
        (await Ids(new TaskStateFilter { TaskExecId = agent.TaskExecId })).ShouldBe([agent.TaskExecId]);
        (await Ids(new TaskStateFilter { ParentStateId = parent.TaskExecId })).ShouldBe([agent.TaskExecId, tool.TaskExecId], ignoreOrder: true);
        (await Ids(new TaskStateFilter { AgentId = "writer" })).ShouldBe([agent.TaskExecId]);
        (await Ids(new TaskStateFilter { ActionId = "compose" })).ShouldBe([agent.TaskExecId]);
        (await Ids(new TaskStateFilter { ToolId = "search" })).ShouldBe([tool.TaskExecId]);
        (await Ids(new TaskStateFilter { ExecutionType = ExecutionType.Parallel })).ShouldBe([parent.TaskExecId]);
        (await Ids(new TaskStateFilter { WorkflowId = "another-workflow" })).ShouldBeEmpty();

        (await tasks.ListTasksByStatusAsync(workflow.WorkflowExecId, ExecutionStatus.Failed)).Select(task => task.TaskExecId).ShouldBe([tool.TaskExecId]);
        (await tasks.ListTasksByAgentAsync(workflow.WorkflowExecId, "writer")).Select(task => task.TaskExecId).ShouldBe([agent.TaskExecId]);
        (await tasks.ListTasksByToolAsync(workflow.WorkflowExecId, "search")).Select(task => task.TaskExecId).ShouldBe([tool.TaskExecId]);
    }

    [Theory, DatabaseData]
    public async Task Pages_follow_each_other_without_repeats_or_gaps(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var written = new List<string>();
        for (var index = 0; index < 7; index++)
        {
            written.Add((await tasks.UpsertStateAsync(TaskOf(workflow))).TaskExecId);
        }

        var filter = new TaskStateFilter { WorkflowExecId = workflow.WorkflowExecId };
        var seen = new List<string>();
        var page = new PageRequest { Limit = 3 };
        var pages = 0;
        while (true)
        {
            var result = await tasks.ListStatesAsync(filter, page);
            pages++;
            seen.AddRange(result.Items.Select(task => task.TaskExecId));
            if (result.NextCursor is null)
            {
                break;
            }

            page = page with { After = result.NextCursor };
        }

        pages.ShouldBe(3);
        seen.ShouldBe(written, ignoreOrder: true);
        seen.Distinct().Count().ShouldBe(7);

        await Should.ThrowAsync<ArgumentException>(() => tasks.ListStatesAsync(filter, new PageRequest { After = "not-a-cursor" }));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => tasks.ListStatesAsync(filter, new PageRequest { Limit = 0 }));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => tasks.ListStatesAsync(filter, new PageRequest { Limit = PageRequest.MaxLimit + 1 }));
    }

    [Theory, DatabaseData]
    public async Task The_workflow_task_map_holds_the_latest_execution_of_each_task(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.TaskId = "fetch"));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var retried = await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
        {
            task.TaskId = "fetch";
            task.Status = ExecutionStatus.Success;
        }));
        var other = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.TaskId = "store"));

        var map = await tasks.ListTasksInWorkflowAsync(workflow.WorkflowExecId);

        map.Keys.ShouldBe(["fetch", "store"], ignoreOrder: true);
        map["fetch"].TaskExecId.ShouldBe(retried.TaskExecId);
        map["store"].TaskExecId.ShouldBe(other.TaskExecId);
    }

    [Theory, DatabaseData]
    public async Task Children_their_outputs_and_the_latest_child_by_task_id(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var parent = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Collection));
        await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task =>
        {
            task.TaskId = "item-b";
            task.Output = Json("""{"n":1}""");
        }));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var latestB = await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task =>
        {
            task.TaskId = "item-b";
            task.Output = Json("""{"n":2}""");
        }));
        await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task => task.TaskId = "item-a"));

        (await tasks.ListChildrenAsync(parent.TaskExecId)).Select(task => task.TaskId).ShouldBe(["item-a", "item-b", "item-b"]);
        (await tasks.GetChildByTaskIdAsync(parent.TaskExecId, "item-b")).TaskExecId.ShouldBe(latestB.TaskExecId);
        var outputs = await tasks.ListChildrenOutputsAsync(parent.TaskExecId);
        outputs.Keys.ShouldBe(["item-b"]);
        outputs["item-b"].GetProperty("n").GetInt32().ShouldBe(2);
    }

    [Theory, DatabaseData]
    public async Task The_task_tree_comes_level_by_level_and_stops_at_the_depth_limit(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var root = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Composite));
        var left = await tasks.UpsertStateAsync(TaskOf(workflow, root.TaskExecId));
        var right = await tasks.UpsertStateAsync(TaskOf(workflow, root.TaskExecId));
        var grandchild = await tasks.UpsertStateAsync(TaskOf(workflow, left.TaskExecId));
        await tasks.UpsertStateAsync(TaskOf(workflow));

        var tree = await tasks.GetTaskTreeAsync(root.TaskExecId);
        tree.Select(task => task.TaskExecId).ShouldBe([root.TaskExecId, left.TaskExecId, right.TaskExecId, grandchild.TaskExecId]);
        (await tasks.GetTaskTreeAsync(left.TaskExecId)).Select(task => task.TaskExecId).ShouldBe([left.TaskExecId, grandchild.TaskExecId]);

        // A chain deeper than the limit (100 levels below the root) is cut after the limit.
        var chainRoot = await tasks.UpsertStateAsync(TaskOf(workflow));
        var parent = chainRoot.TaskExecId;
        for (var level = 1; level <= 103; level++)
        {
            parent = (await tasks.UpsertStateAsync(TaskOf(workflow, parent))).TaskExecId;
        }

        var chain = await tasks.GetTaskTreeAsync(chainRoot.TaskExecId);
        chain.Count.ShouldBe(new StoreOptions().TaskTreeMaxDepth + 1);
    }

    [Theory, DatabaseData]
    public async Task A_parent_that_is_the_task_or_one_of_its_descendants_is_refused_naming_parent_state_id(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var root = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Composite));
        var child = await tasks.UpsertStateAsync(TaskOf(workflow, root.TaskExecId));
        var grandchild = await tasks.UpsertStateAsync(TaskOf(workflow, child.TaskExecId));

        async Task<string> RefusedAsync(TaskState state)
        {
            var refused = await Should.ThrowAsync<RequestValidationException>(() => tasks.UpsertStateAsync(state));
            refused.Errors.Keys.ShouldBe(["parent_state_id"]);
            return refused.Errors["parent_state_id"].Single();
        }

        (await RefusedAsync(With(TaskOf(workflow), task => task.ParentStateId = task.TaskExecId))).ShouldContain("names the task itself");
        (await RefusedAsync(With(Copy(root), task => task.ParentStateId = root.TaskExecId))).ShouldContain("names the task itself");
        (await RefusedAsync(With(Copy(root), task => task.ParentStateId = child.TaskExecId)))
            .ShouldBe($"task state '{child.TaskExecId}' is a descendant of '{root.TaskExecId}' (1 level below it); making it the parent would close a loop");
        (await RefusedAsync(With(Copy(root), task => task.ParentStateId = grandchild.TaskExecId))).ShouldContain("(2 levels below it)");
        (await RefusedAsync(With(Copy(child), task => task.ParentStateId = grandchild.TaskExecId))).ShouldContain("(1 level below it)");

        // Inside one transaction, the tasks it wrote itself count too; the refusal rolls it all back.
        var first = TaskOf(workflow);
        var second = TaskOf(workflow, first.TaskExecId);
        await Should.ThrowAsync<RequestValidationException>(() => tasks.WithTransactionAsync(async (transaction, token) =>
        {
            await transaction.UpsertStateAsync(first, token);
            await transaction.UpsertStateAsync(second, token);
            return await transaction.UpsertStateAsync(With(Copy(first), task => task.ParentStateId = second.TaskExecId), token);
        }));
        (await Should.ThrowAsync<CompozyDataException>(() => tasks.GetStateAsync(first.TaskExecId))).Kind.ShouldBe(DbErrorKind.NotFound);

        (await tasks.GetStateAsync(root.TaskExecId)).ParentStateId.ShouldBeNull();
        (await tasks.GetTaskTreeAsync(root.TaskExecId)).Select(task => task.TaskExecId).ShouldBe([root.TaskExecId, child.TaskExecId, grandchild.TaskExecId]);

        // Moving a subtree elsewhere in the same tree is fine, and so is keeping the parent.
        (await tasks.UpsertStateAsync(With(Copy(grandchild), task => task.ParentStateId = root.TaskExecId))).ParentStateId.ShouldBe(root.TaskExecId);
        (await tasks.UpsertStateAsync(With(Copy(child), task => task.Status = ExecutionStatus.Success))).Status.ShouldBe(ExecutionStatus.Success);
    }

    [Theory, DatabaseData]
    public async Task A_parent_in_another_workflow_execution_is_refused_and_a_missing_one_is_a_foreign_key_error(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var (_, other) = await WorkflowAsync(database);
        var parent = await tasks.UpsertStateAsync(TaskOf(workflow));
        var stranger = await tasks.UpsertStateAsync(TaskOf(other));

        var refused = await Should.ThrowAsync<RequestValidationException>(() => tasks.UpsertStateAsync(TaskOf(other, parent.TaskExecId)));
        refused.Errors["parent_state_id"].Single().ShouldBe(
            $"task state '{parent.TaskExecId}' belongs to workflow execution '{workflow.WorkflowExecId}', not '{other.WorkflowExecId}'; a parent must be in the task's own workflow execution");
        (await Should.ThrowAsync<RequestValidationException>(() => tasks.UpsertStateAsync(With(Copy(stranger), task => task.ParentStateId = parent.TaskExecId))))
            .Errors.Keys.ShouldBe(["parent_state_id"]);
        (await tasks.GetStateAsync(stranger.TaskExecId)).ParentStateId.ShouldBeNull();

        var missing = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(TaskOf(workflow, "no-such-parent")));
        missing.Kind.ShouldBe(DbErrorKind.ForeignKey);
        missing.Reference.ShouldBe("parent_state_id");
        missing.Message.ShouldContain("no-such-parent");
        (await tasks.ListChildrenAsync(parent.TaskExecId)).ShouldBeEmpty();
    }

    [Theory, DatabaseData]
    public async Task A_task_with_children_cannot_move_to_another_workflow_execution_but_a_leaf_can(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var (_, other) = await WorkflowAsync(database);
        var parent = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Parallel));
        var child = await tasks.UpsertStateAsync(TaskOf(workflow, parent.TaskExecId));

        var refused = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(With(Copy(parent), task => task.WorkflowExecId = other.WorkflowExecId)));
        refused.Kind.ShouldBe(DbErrorKind.Conflict);
        refused.Message.ShouldStartWith($"workflow_exec_id: task state '{parent.TaskExecId}' has child tasks in workflow execution '{workflow.WorkflowExecId}' ('{child.TaskExecId}')");
        (await tasks.GetStateAsync(parent.TaskExecId)).WorkflowExecId.ShouldBe(workflow.WorkflowExecId);

        // A child keeping its parent cannot follow alone; without a parent it may move.
        (await Should.ThrowAsync<RequestValidationException>(() => tasks.UpsertStateAsync(With(Copy(child), task => task.WorkflowExecId = other.WorkflowExecId))))
            .Errors.Keys.ShouldBe(["parent_state_id"]);
        await tasks.UpsertStateAsync(With(Copy(child), task =>
        {
            task.WorkflowExecId = other.WorkflowExecId;
            task.ParentStateId = null;
        }));

        // Without children, the former parent moves too.
        (await tasks.UpsertStateAsync(With(Copy(parent), task => task.WorkflowExecId = other.WorkflowExecId))).WorkflowExecId.ShouldBe(other.WorkflowExecId);
    }

    [Theory, DatabaseData]
    public async Task Concurrent_upserts_cannot_close_a_loop_together(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        for (var round = 0; round < 3; round++)
        {
            // Two edges that close a loop of two: a under b, and b under a.
            var a = await tasks.UpsertStateAsync(TaskOf(workflow));
            var b = await tasks.UpsertStateAsync(TaskOf(workflow));
            await RaceAsync(database, tasks, With(Copy(a), task => task.ParentStateId = b.TaskExecId), With(Copy(b), task => task.ParentStateId = a.TaskExecId));
            await ShouldReachARootAsync(tasks, a.TaskExecId);

            // Two edges that close a loop of four with two existing ones (w under x, y under z):
            // z under w and x under y, each of whose checks alone sees no loop.
            var w = await tasks.UpsertStateAsync(TaskOf(workflow));
            var x = await tasks.UpsertStateAsync(TaskOf(workflow));
            var z = await tasks.UpsertStateAsync(TaskOf(workflow));
            var y = await tasks.UpsertStateAsync(TaskOf(workflow, z.TaskExecId));
            await tasks.UpsertStateAsync(With(Copy(w), task => task.ParentStateId = x.TaskExecId));
            await RaceAsync(database, tasks, With(Copy(z), task => task.ParentStateId = w.TaskExecId), With(Copy(x), task => task.ParentStateId = y.TaskExecId));
            await ShouldReachARootAsync(tasks, z.TaskExecId);
        }
    }

    [Fact]
    public async Task An_upsert_that_meets_a_concurrent_insert_of_the_same_task_checks_the_tree_after_writing()
    {
        // PostgreSQL only: SQLite's single writer never lets two writes interleave like this.
        var db = await fixture.GetAsync(DatabaseKind.Postgres);
        var (tasks, workflow) = await WorkflowAsync(DatabaseKind.Postgres);
        var (_, other) = await WorkflowAsync(DatabaseKind.Postgres);
        var task = TaskOf(workflow);
        var inserted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first transaction inserts the task with a child and holds both uncommitted...
        var first = Task.Run(() => tasks.WithTransactionAsync(async (transaction, token) =>
        {
            await transaction.UpsertStateAsync(task, token);
            await transaction.UpsertStateAsync(TaskOf(workflow, task.TaskExecId), token);
            inserted.TrySetResult();
            await release.Task.WaitAsync(token);
            return true;
        }));
        await inserted.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // ...while the second, which saw no such task, moves it to another workflow execution and
        // waits on the first one's insert.
        var second = Task.Run(() => tasks.UpsertStateAsync(With(Copy(task), moved => moved.WorkflowExecId = other.WorkflowExecId)));
        await WaitForALockWaitAsync(db.Location);
        release.SetResult();
        await first;

        var refused = await Should.ThrowAsync<CompozyDataException>(() => second);
        refused.Kind.ShouldBe(DbErrorKind.Conflict);
        refused.Message.ShouldContain("has child tasks");
        (await tasks.GetStateAsync(task.TaskExecId)).WorkflowExecId.ShouldBe(workflow.WorkflowExecId);
    }

    [Theory, DatabaseData]
    public async Task A_loop_stored_before_the_checks_existed_neither_hangs_nor_repeats_tasks(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var (tasks, workflow) = await WorkflowAsync(database);
        var root = await tasks.UpsertStateAsync(TaskOf(workflow));
        var child = await tasks.UpsertStateAsync(TaskOf(workflow, root.TaskExecId));
        var grandchild = await tasks.UpsertStateAsync(TaskOf(workflow, child.TaskExecId));
        await db.ExecuteRawAsync($"UPDATE \"task_states\" SET \"parent_state_id\" = '{grandchild.TaskExecId}' WHERE \"task_exec_id\" = '{root.TaskExecId}'");

        (await tasks.GetTaskTreeAsync(root.TaskExecId)).Select(task => task.TaskExecId).ShouldBe([root.TaskExecId, child.TaskExecId, grandchild.TaskExecId]);
        (await tasks.GetTaskTreeAsync(child.TaskExecId)).Select(task => task.TaskExecId).ShouldBe([child.TaskExecId, grandchild.TaskExecId, root.TaskExecId]);

        // A walk up that enters the old loop ends there; the task itself is not on it.
        var outsider = await tasks.UpsertStateAsync(TaskOf(workflow));
        (await tasks.UpsertStateAsync(With(Copy(outsider), task => task.ParentStateId = child.TaskExecId))).ParentStateId.ShouldBe(child.TaskExecId);
        await Should.ThrowAsync<RequestValidationException>(() => tasks.UpsertStateAsync(With(Copy(child), task => task.ParentStateId = outsider.TaskExecId)));
    }

    [Theory, DatabaseData]
    public async Task Progress_counts_children_by_status_and_rates_them(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var parent = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.ExecutionType = ExecutionType.Parallel));
        ExecutionStatus[] statuses =
        [
            ExecutionStatus.Success, ExecutionStatus.Success, ExecutionStatus.Success, ExecutionStatus.Failed,
            ExecutionStatus.TimedOut, ExecutionStatus.Canceled, ExecutionStatus.Running, ExecutionStatus.Waiting,
            ExecutionStatus.Paused, ExecutionStatus.Pending,
        ];
        foreach (var status in statuses)
        {
            await tasks.UpsertStateAsync(With(TaskOf(workflow, parent.TaskExecId), task => task.Status = status));
        }

        var progress = await tasks.GetProgressInfoAsync(parent.TaskExecId);

        progress.TotalChildren.ShouldBe(10);
        progress.StatusCounts[ExecutionStatus.Success].ShouldBe(3);
        progress.StatusCounts.ContainsKey(ExecutionStatus.Canceled).ShouldBeTrue();
        progress.SuccessCount.ShouldBe(3);
        progress.FailedCount.ShouldBe(1);
        progress.TimedOutCount.ShouldBe(1);
        progress.CanceledCount.ShouldBe(1);
        progress.RunningCount.ShouldBe(3);
        progress.PendingCount.ShouldBe(1);
        progress.TerminalCount.ShouldBe(6);
        progress.CompletionRate.ShouldBe(0.3, tolerance: 1e-9);
        progress.FailureRate.ShouldBe(0.2, tolerance: 1e-9);

        var none = await tasks.GetProgressInfoAsync("no-children");
        none.TotalChildren.ShouldBe(0);
        none.CompletionRate.ShouldBe(0);
    }

    [Theory, DatabaseData]
    public async Task Usage_merges_by_provider_and_model_in_a_stable_order(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var state = await tasks.UpsertStateAsync(TaskOf(workflow));

        await tasks.MergeUsageAsync(state.TaskExecId, Usage(("openai", "gpt-4o", 10)));
        await tasks.MergeUsageAsync(state.TaskExecId, Usage(("anthropic", "claude", 5), ("openai", "gpt-4o", 7)));
        var merged = await tasks.MergeUsageAsync(state.TaskExecId, new UsageSummary([]));

        var entries = UsageSummary.FromJson(merged.Usage).Entries;
        entries.Select(entry => (entry.Provider, entry.Model, entry.TotalTokens)).ShouldBe([("anthropic", "claude", 5), ("openai", "gpt-4o", 17)]);
        entries[1].PromptTokens.ShouldBe(17);
    }

    [Theory, DatabaseData]
    public async Task Usage_adds_past_the_old_32_bit_limit_and_a_sum_past_64_bits_is_a_conflict_that_writes_nothing(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var state = await tasks.UpsertStateAsync(TaskOf(workflow));

        await tasks.MergeUsageAsync(state.TaskExecId, Usage(("openai", "gpt-4o", int.MaxValue)));
        var wide = await tasks.MergeUsageAsync(state.TaskExecId, Usage(("openai", "gpt-4o", 1)));
        var entry = UsageSummary.FromJson(wide.Usage).Entries.Single();
        (entry.PromptTokens, entry.TotalTokens).ShouldBe((int.MaxValue + 1L, int.MaxValue + 1L));

        var full = await tasks.MergeUsageAsync(state.TaskExecId, Usage(("openai", "gpt-4o", long.MaxValue - int.MaxValue - 1)));
        UsageSummary.FromJson(full.Usage).Entries.Single().PromptTokens.ShouldBe(long.MaxValue);

        var refused = await Should.ThrowAsync<CompozyDataException>(() => tasks.MergeUsageAsync(state.TaskExecId, Usage(("anthropic", "claude", 5), ("openai", "gpt-4o", 1))));
        refused.Kind.ShouldBe(DbErrorKind.Conflict);
        refused.Message.ShouldContain("prompt_tokens of openai/gpt-4o");
        refused.Message.ShouldContain("9223372036854775807 (stored) + 1 (reported)");
        var after = await tasks.GetStateAsync(state.TaskExecId);
        after.UpdatedAt.ShouldBe(full.UpdatedAt);
        JsonElement.DeepEquals(after.Usage!.Value, full.Usage!.Value).ShouldBeTrue("nothing of the refused report is written, not even its other entry");
    }

    [Theory, DatabaseData]
    public async Task A_transaction_that_throws_leaves_nothing_behind(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var kept = await tasks.UpsertStateAsync(TaskOf(workflow));
        var added = TaskOf(workflow);

        await Should.ThrowAsync<InvalidOperationException>(() => tasks.WithTransactionAsync<bool>(async (transaction, token) =>
        {
            await transaction.UpsertStateAsync(added, token);
            var locked = await transaction.GetStateForUpdateAsync(kept.TaskExecId, token);
            locked.Status = ExecutionStatus.Failed;
            await transaction.UpsertStateAsync(locked, token);
            (await transaction.GetStateAsync(added.TaskExecId, token)).TaskExecId.ShouldBe(added.TaskExecId, "a transaction sees its own writes");
            throw new InvalidOperationException("abandon");
        }));

        (await Should.ThrowAsync<CompozyDataException>(() => tasks.GetStateAsync(added.TaskExecId))).Kind.ShouldBe(DbErrorKind.NotFound);
        (await tasks.GetStateAsync(kept.TaskExecId)).Status.ShouldBe(ExecutionStatus.Pending);
    }

    [Theory, DatabaseData]
    public async Task Concurrent_read_modify_writes_under_GetStateForUpdate_lose_no_update(DatabaseKind database)
    {
        var (tasks, workflow) = await WorkflowAsync(database);
        var counter = await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.Output = Json("""{"count":0}""")));

        // Each transaction reads the count, holds it until every writer has asked for its own
        // transaction, and writes count + 1. Without the row lock (PostgreSQL) or the single
        // writer (SQLite), the others would read the same count meanwhile and increments would
        // overwrite each other.
        const int Writers = 12;
        var asked = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
        {
            Interlocked.Increment(ref asked);
            return tasks.WithTransactionAsync(async (transaction, token) =>
            {
                var state = await transaction.GetStateForUpdateAsync(counter.TaskExecId, token);
                var count = state.Output!.Value.GetProperty("count").GetInt32();
                await Poll.UntilAsync(() => Volatile.Read(ref asked) == Writers, "every writer asking for its transaction", TimeSpan.FromSeconds(30));
                state.Output = Json($$"""{"count":{{count + 1}}}""");
                await transaction.UpsertStateAsync(state, token);
                return count;
            });
        })));

        (await tasks.GetStateAsync(counter.TaskExecId)).Output!.Value.GetProperty("count").GetInt32().ShouldBe(Writers);
    }

    private async Task<(ITaskStore Tasks, WorkflowState Workflow)> WorkflowAsync(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        return (db.Services.GetRequiredService<ITaskStore>(), workflow);
    }

    /// <summary>
    /// Runs two upserts in two transactions that are both open before either writes (on
    /// PostgreSQL; SQLite's single writer runs them one after the other); at most one may
    /// succeed, the other only with a refusal.
    /// </summary>
    private static async Task RaceAsync(DatabaseKind database, ITaskStore tasks, TaskState first, TaskState second)
    {
        var started = 0;
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<Exception?> RunAsync(TaskState state)
        {
            var firstAttempt = true;
            try
            {
                await tasks.WithTransactionAsync(async (transaction, token) =>
                {
                    // Both transactions are open before either writes; a re-run after a deadlock does not wait again.
                    if (firstAttempt && database == DatabaseKind.Postgres)
                    {
                        firstAttempt = false;
                        if (Interlocked.Increment(ref started) == 2)
                        {
                            bothStarted.SetResult();
                        }

                        await transaction.GetStateAsync(state.TaskExecId, token);
                        await bothStarted.Task.WaitAsync(TimeSpan.FromMinutes(1), token);
                    }

                    return await transaction.UpsertStateAsync(state, token);
                });
                return null;
            }
            catch (RequestValidationException refused)
            {
                return refused;
            }
        }

        var outcomes = await Task.WhenAll(Task.Run(() => RunAsync(first)), Task.Run(() => RunAsync(second)));
        outcomes.Count(outcome => outcome is null).ShouldBeLessThanOrEqualTo(1, "both upserts succeeded, which closes a loop");
        outcomes.Where(outcome => outcome is not null).ShouldAllBe(outcome => ((RequestValidationException)outcome!).Errors.ContainsKey("parent_state_id"));
    }

    /// <summary>Polls PostgreSQL until a session of the database waits for a lock.</summary>
    private static async Task WaitForALockWaitAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        await Poll.UntilAsync(async () => (long)(await command.ExecuteScalarAsync())! > 0, "a session waiting for the row lock", TimeSpan.FromMinutes(1));
    }

    private static async Task ShouldReachARootAsync(ITaskStore tasks, string taskExecId)
    {
        var seen = new HashSet<string>();
        for (string? current = taskExecId; current is not null; current = (await tasks.GetStateAsync(current)).ParentStateId)
        {
            seen.Add(current).ShouldBeTrue($"the parents of {taskExecId} loop through {current}");
        }
    }

    private static TaskState Copy(TaskState task) => new()
    {
        TaskExecId = task.TaskExecId,
        TaskId = task.TaskId,
        Component = task.Component,
        Status = task.Status,
        WorkflowExecId = task.WorkflowExecId,
        WorkflowId = task.WorkflowId,
        ExecutionType = task.ExecutionType,
        ParentStateId = task.ParentStateId,
        AgentId = task.AgentId,
        ActionId = task.ActionId,
        ToolId = task.ToolId,
        Input = task.Input,
        Output = task.Output,
        Error = task.Error,
        Usage = task.Usage,
    };

    internal static UsageSummary Usage(params (string Provider, string Model, long Tokens)[] entries) =>
        new(entries.Select(entry => new UsageEntry { Provider = entry.Provider, Model = entry.Model, PromptTokens = entry.Tokens }));

    internal static TaskState With(TaskState task, Action<TaskState> change)
    {
        change(task);
        return task;
    }
}
