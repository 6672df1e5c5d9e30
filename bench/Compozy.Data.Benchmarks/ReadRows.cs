using Compozy.Data.Entities;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The rows of the <c>reads</c> group of <c>stores</c>, written once per database through the
/// layer's writer: a task tree (a root and <see cref="TreeDescendants"/> descendants, ten children
/// per task, four levels), a workflow execution with <see cref="WorkflowTasks"/> tasks of distinct
/// task ids, and <see cref="ListingTasks"/> tasks cycling through four statuses, a quarter of them
/// <see cref="ListedStatus"/>, for the filtered listing. Only the listing's tasks carry that status.
/// </summary>
internal static class ReadRows
{
    public const int TreeDescendants = 1000;

    public const int WorkflowTasks = 1000;

    public const int ListingTasks = 4000;

    public const int PageSize = 100;

    public const ExecutionStatus ListedStatus = ExecutionStatus.Failed;

    private static readonly ExecutionStatus[] ListingStatuses =
        [ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Success, ListedStatus];

    /// <summary>Writes the rows; returns the tree's root task and the workflow execution to read.</summary>
    public static async Task<(string TreeRoot, string WorkflowExecId)> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var tree = StoreRows.NewWorkflow();
        var workflow = StoreRows.NewWorkflow();
        var listing = StoreRows.NewWorkflow();
        var treeIds = Enumerable.Range(0, TreeDescendants + 1).Select(_ => Guid.CreateVersion7().ToString()).ToArray();
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync((context, _) =>
        {
            var now = DateTime.UtcNow;
            foreach (var state in new[] { tree, workflow, listing })
            {
                state.CreatedAt = now;
                state.UpdatedAt = now;
                context.WorkflowStates.Add(state);
            }

            // Breadth first, so each parent is inserted before its children: task i's parent is (i - 1) / 10.
            for (var i = 0; i < treeIds.Length; i++)
            {
                context.TaskStates.Add(NewTask(treeIds[i], $"tree-{i}", tree, ExecutionStatus.Success, now.AddTicks(i * 10), i == 0 ? null : treeIds[(i - 1) / 10]));
            }

            for (var i = 0; i < WorkflowTasks; i++)
            {
                context.TaskStates.Add(NewTask(Guid.CreateVersion7().ToString(), $"step-{i}", workflow, ExecutionStatus.Success, now.AddTicks(i * 10), parent: null));
            }

            // Whole microseconds apart (what the stores keep), so the listing's order is by time, not by id.
            for (var i = 0; i < ListingTasks; i++)
            {
                context.TaskStates.Add(NewTask(Guid.CreateVersion7().ToString(), $"item-{i}", listing, ListingStatuses[i % ListingStatuses.Length], now.AddTicks(i * 10), parent: null));
            }

            return Task.FromResult(0);
        }, cancellationToken).ConfigureAwait(false);
        return (treeIds[0], workflow.WorkflowExecId);
    }

    /// <summary>Throws unless a read returned what was seeded, so no scenario measures a short or empty answer.</summary>
    public static void Expect(int count, int expected, string read)
    {
        if (count != expected)
        {
            throw new InvalidOperationException($"{read}: expected {expected} rows, read {count}");
        }
    }

    private static TaskState NewTask(string id, string taskId, WorkflowState workflow, ExecutionStatus status, DateTime at, string? parent) => new()
    {
        TaskExecId = id,
        TaskId = taskId,
        Component = "task",
        Status = status,
        WorkflowExecId = workflow.WorkflowExecId,
        WorkflowId = workflow.WorkflowId,
        ExecutionType = ExecutionType.Basic,
        AgentId = "writer",
        ActionId = "compose",
        ParentStateId = parent,
        Input = SampleWorkflow.Input,
        Output = SampleWorkflow.Input,
        CreatedAt = at,
        UpdatedAt = at,
    };
}
