using System.Text;
using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;
using static Compozy.Data.IntegrationTests.Stores.TaskStoreTests;

namespace Compozy.Data.IntegrationTests.Stores;

/// <summary>What a write stores, its own answer and every later read return; a write whose read-back fails is not committed.</summary>
public sealed class StoredJsonReadBackTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task A_status_update_answers_the_workflow_with_its_tasks_read_in_the_same_transaction(DatabaseKind database)
    {
        var (workflows, tasks, _) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());
        await tasks.UpsertStateAsync(With(TaskOf(workflow), task => task.TaskId = "fetch"));

        var updated = await workflows.UpdateStatusAsync(workflow.WorkflowExecId, ExecutionStatus.Paused);

        updated.State.Status.ShouldBe(ExecutionStatus.Paused);
        updated.State.UpdatedAt.ShouldBeGreaterThan(workflow.UpdatedAt);
        updated.Tasks.Keys.ShouldBe(["fetch"]);
        (await workflows.GetStateAsync(workflow.WorkflowExecId)).State.UpdatedAt.ShouldBe(updated.State.UpdatedAt);
    }

    [Theory, DatabaseData]
    public async Task A_write_whose_read_back_fails_is_rolled_back(DatabaseKind database)
    {
        var (workflows, _, db) = await StoresAsync(database);
        var workflow = await workflows.UpsertStateAsync(Workflow());

        // A row written by another program, nesting deeper than this layer reads.
        await db.ExecuteRawAsync($"UPDATE workflow_states SET input = '{Nested(StoredJson.MaxDepth + 1)}' WHERE workflow_exec_id = '{workflow.WorkflowExecId}'");
        (await Record.ExceptionAsync(() => workflows.UpdateStatusAsync(workflow.WorkflowExecId, ExecutionStatus.Canceled))).ShouldNotBeNull();
        (await Record.ExceptionAsync(() => workflows.CompleteWorkflowAsync(workflow.WorkflowExecId))).ShouldNotBeNull();

        await db.ExecuteRawAsync($"UPDATE workflow_states SET input = NULL WHERE workflow_exec_id = '{workflow.WorkflowExecId}'");
        var stored = (await workflows.GetStateAsync(workflow.WorkflowExecId)).State;
        stored.Status.ShouldBe(ExecutionStatus.Running);
        stored.UpdatedAt.ShouldBe(workflow.UpdatedAt);
        stored.Output.ShouldBeNull();
    }

    [Theory, DatabaseData]
    public async Task Values_as_deep_as_the_layer_stores_read_back_and_completion_wraps_them_two_levels_deeper(DatabaseKind database)
    {
        var (workflows, tasks, _) = await StoresAsync(database);
        var deepest = JsonDocument.Parse(Nested(StoredJson.MaxDepth - 2), StoredJson.ReadOptions).RootElement.Clone();
        var workflow = Workflow();
        workflow.Input = deepest;
        workflow = await workflows.UpsertStateAsync(workflow);
        await tasks.UpsertStateAsync(With(TaskOf(workflow), task =>
        {
            task.Status = ExecutionStatus.Success;
            task.Output = deepest;
        }));

        var completed = await workflows.CompleteWorkflowAsync(workflow.WorkflowExecId);

        Depth(completed.State.Output!.Value).ShouldBe(StoredJson.MaxDepth);
        var read = await workflows.GetStateAsync(workflow.WorkflowExecId);
        Depth(read.State.Output!.Value).ShouldBe(StoredJson.MaxDepth);
        Depth(read.State.Input!.Value).ShouldBe(StoredJson.MaxDepth - 2);
        JsonElement.DeepEquals(read.Tasks["summarize"].Output!.Value, deepest).ShouldBeTrue();
    }

    [Theory, DatabaseData]
    public async Task Numbers_at_the_edges_of_what_may_be_stored_are_stored_by_both_databases_and_read_back_equal(DatabaseKind database)
    {
        var (workflows, _, _) = await StoresAsync(database);
        string[] edges = ["1.7976931348623157e308", "-1.7976931348623157e308", "4.9e-324", "1e-1000", "0e1000", "-0", "123456789012345678901234567890.5", new string('9', 308), $"0.{new string('1', 1000)}"];
        var json = $"[{string.Join(',', edges)}]";
        using (var document = JsonDocument.Parse(json))
        {
            var problems = new Compozy.Data.Errors.RequestProblems();
            StoredJson.Check(problems, "input", document.RootElement);
            problems.IsEmpty.ShouldBeTrue("every edge is within the rule");
        }

        var workflow = Workflow();
        workflow.Input = JsonDocument.Parse(json).RootElement.Clone();
        await workflows.UpsertStateAsync(workflow);

        // PostgreSQL's numeric writes them out in full; the values are the same.
        var read = (await workflows.GetStateAsync(workflow.WorkflowExecId)).State.Input!.Value.EnumerateArray().ToList();
        read.Count.ShouldBe(edges.Length);
        for (var index = 0; index < edges.Length; index++)
        {
            read[index].GetDouble().ShouldBe(double.Parse(edges[index], System.Globalization.CultureInfo.InvariantCulture), edges[index]);
        }
    }

    private static string Nested(int levels)
    {
        var text = new StringBuilder();
        for (var level = 0; level < levels; level++)
        {
            text.Append(level % 2 == 0 ? "{\"a\":" : "[");
        }

        text.Append("\"bottom\"");
        for (var level = levels - 1; level >= 0; level--)
        {
            text.Append(level % 2 == 0 ? '}' : ']');
        }

        return text.ToString();
    }

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(property => Depth(property.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private async Task<(IWorkflowStore Workflows, ITaskStore Tasks, TestDatabase Database)> StoresAsync(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        return (db.Services.GetRequiredService<IWorkflowStore>(), db.Services.GetRequiredService<ITaskStore>(), db);
    }
}
