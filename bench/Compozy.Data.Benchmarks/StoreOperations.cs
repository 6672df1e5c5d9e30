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
}
