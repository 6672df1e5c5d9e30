using Compozy.Data.Stores;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The operations of <c>stores</c> through the layer's public stores, resolved from services
/// built from configuration as a host builds them: an upsert of a new workflow execution
/// (<see cref="IWorkflowStore.UpsertStateAsync"/>: the writer, a transaction, one
/// <c>INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING *</c> built from the EF model, error
/// translation and retries) and a read of a task state by id (<see cref="ITaskReader.GetStateAsync"/>:
/// a pooled read context, one <c>SELECT</c> by primary key, the row materialized as an entity).
/// </summary>
internal static class StoreOperations
{
    public static Func<ValueTask> Upsert(IServiceProvider services)
    {
        var workflows = services.GetRequiredService<IWorkflowStore>();
        return async () => await workflows.UpsertStateAsync(StoreRows.NewWorkflow()).ConfigureAwait(false);
    }

    public static Func<ValueTask> Get(IServiceProvider services, string[] taskIds)
    {
        var tasks = services.GetRequiredService<ITaskStore>();
        var next = StoreRows.Cycle(taskIds);
        return async () => await tasks.GetStateAsync(next()).ConfigureAwait(false);
    }

    /// <summary><see cref="ITaskReader.GetTaskTreeAsync"/> of the seeded root: one recursive query, the rows materialized by EF.</summary>
    public static Func<ValueTask> TaskTree(IServiceProvider services, string rootId)
    {
        var tasks = services.GetRequiredService<ITaskStore>();
        return async () => ReadRows.Expect((await tasks.GetTaskTreeAsync(rootId).ConfigureAwait(false)).Count, ReadRows.TreeDescendants + 1, "layer task tree");
    }

    /// <summary><see cref="IWorkflowStore.GetStateAsync"/>: the workflow and the latest state of each of its tasks, in one read snapshot.</summary>
    public static Func<ValueTask> Workflow(IServiceProvider services, string workflowExecId)
    {
        var workflows = services.GetRequiredService<IWorkflowStore>();
        return async () => ReadRows.Expect((await workflows.GetStateAsync(workflowExecId).ConfigureAwait(false)).Tasks.Count, ReadRows.WorkflowTasks, "layer workflow");
    }

    /// <summary><see cref="ITaskReader.ListStatesAsync"/> filtered by status, the first page of <see cref="ReadRows.PageSize"/>.</summary>
    public static Func<ValueTask> Listing(IServiceProvider services)
    {
        var tasks = services.GetRequiredService<ITaskStore>();
        var filter = new TaskStateFilter { Status = ReadRows.ListedStatus };
        var page = new PageRequest { Limit = ReadRows.PageSize };
        return async () => ReadRows.Expect((await tasks.ListStatesAsync(filter, page).ConfigureAwait(false)).Items.Count, ReadRows.PageSize, "layer listing");
    }
}
