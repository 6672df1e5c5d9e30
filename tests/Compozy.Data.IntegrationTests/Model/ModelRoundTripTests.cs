using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Model;

public sealed class ModelRoundTripTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task A_workflow_with_tasks_reads_back_as_written(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        var parent = TaskOf(workflow);
        parent.AgentId = "writer";
        parent.ActionId = "draft";
        var child = TaskOf(workflow, parent.TaskExecId);
        child.ExecutionType = ExecutionType.Collection;
        child.Output = Json("""{"summary":"ok","score":0.5}""");
        child.Status = ExecutionStatus.TimedOut;

        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(workflow);
            context.TaskStates.AddRange(parent, child);
            await Task.CompletedTask;
        });

        await using var read = await db.Contexts.CreateDbContextAsync();
        var stored = await read.WorkflowStates.Include(state => state.Tasks).SingleAsync(state => state.WorkflowExecId == workflow.WorkflowExecId);
        stored.Status.ShouldBe(ExecutionStatus.Running);
        JsonElement.DeepEquals(stored.Input!.Value, workflow.Input!.Value).ShouldBeTrue();
        stored.Usage!.Value.ValueKind.ShouldBe(JsonValueKind.Array);
        stored.Output.ShouldBeNull();
        stored.Tasks.Count.ShouldBe(2);
        var storedChild = stored.Tasks.Single(task => task.TaskExecId == child.TaskExecId);
        storedChild.ParentStateId.ShouldBe(parent.TaskExecId);
        storedChild.ExecutionType.ShouldBe(ExecutionType.Collection);
        storedChild.Status.ShouldBe(ExecutionStatus.TimedOut);
        storedChild.Output!.Value.GetProperty("score").GetDouble().ShouldBe(0.5);
        stored.Tasks.Single(task => task.TaskExecId == parent.TaskExecId).ExecutionType.ShouldBe(ExecutionType.Basic);
    }

    [Theory, DatabaseData]
    public async Task Enums_are_stored_as_compozy_spells_them(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        workflow.Status = ExecutionStatus.TimedOut;
        var task = TaskOf(workflow);
        task.ExecutionType = ExecutionType.Router;
        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(workflow);
            context.TaskStates.Add(task);
            await Task.CompletedTask;
        });

        await using var read = await db.Contexts.CreateDbContextAsync();
        var status = await read.Database.SqlQuery<string>($"SELECT status AS \"Value\" FROM workflow_states WHERE workflow_exec_id = {workflow.WorkflowExecId}").SingleAsync();
        var type = await read.Database.SqlQuery<string>($"SELECT execution_type AS \"Value\" FROM task_states WHERE task_exec_id = {task.TaskExecId}").SingleAsync();
        status.ShouldBe("TIMED_OUT");
        type.ShouldBe("router");
    }

    [Theory, DatabaseData]
    public async Task Timestamps_come_back_as_utc_microseconds_and_sort_in_time_order(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflowId = NewId("sorted");
        var baseTime = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        // Offsets chosen so that text and number orders disagree (9 s vs 10 s, 0.5 s vs 0.45 s).
        var offsets = new[] { TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(9), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(450), TimeSpan.FromTicks(1_234_567) };
        var workflows = offsets.Select(offset =>
        {
            var workflow = Workflow();
            workflow.WorkflowId = workflowId;
            workflow.CreatedAt = baseTime + offset;
            return workflow;
        }).ToList();
        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.AddRange(workflows);
            await Task.CompletedTask;
        });

        await using var read = await db.Contexts.CreateDbContextAsync();
        var stored = await read.WorkflowStates.Where(state => state.WorkflowId == workflowId).OrderBy(state => state.CreatedAt).ToListAsync();
        stored.Select(state => state.CreatedAt).ShouldBe(offsets.Select(offset => TruncateToMicroseconds(baseTime + offset)).Order());
        stored.ShouldAllBe(state => state.CreatedAt.Kind == DateTimeKind.Utc);

        var after = baseTime + TimeSpan.FromSeconds(5);
        (await read.WorkflowStates.CountAsync(state => state.WorkflowId == workflowId && state.CreatedAt > after)).ShouldBe(2);
    }

    [Theory, DatabaseData]
    public async Task A_local_time_is_stored_as_the_same_instant_and_an_unspecified_one_is_refused(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var local = Workflow();
        var instant = new DateTime(2026, 5, 1, 8, 30, 0, DateTimeKind.Utc);
        local.CreatedAt = instant.ToLocalTime();
        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(local);
            await Task.CompletedTask;
        });
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            (await read.WorkflowStates.SingleAsync(state => state.WorkflowExecId == local.WorkflowExecId)).CreatedAt.ShouldBe(instant);
        }

        var unspecified = Workflow();
        unspecified.CreatedAt = new DateTime(2026, 5, 1, 8, 30, 0, DateTimeKind.Unspecified);
        var error = await Should.ThrowAsync<DbUpdateException>(() => db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(unspecified);
            await Task.CompletedTask;
        }));
        error.InnerException.ShouldBeOfType<ArgumentException>().Message.ShouldContain("Kind=Unspecified");
    }

    [Theory, DatabaseData]
    public async Task Read_contexts_refuse_to_save_and_say_where_writes_go(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        await using var context = await db.Contexts.CreateDbContextAsync();
        context.WorkflowStates.Add(Workflow());

        var error = await Should.ThrowAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        error.Message.ShouldContain(nameof(IDatabaseWriter));
    }

    [Theory, DatabaseData]
    public async Task A_failed_write_leaves_nothing_behind(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();

        await Should.ThrowAsync<InvalidOperationException>(() => db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(workflow);
            await context.SaveChangesAsync(token);
            throw new InvalidOperationException("the unit of work fails after saving");
        }));

        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.WorkflowStates.AnyAsync(state => state.WorkflowExecId == workflow.WorkflowExecId)).ShouldBeFalse();
    }

    private static DateTime TruncateToMicroseconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
}
