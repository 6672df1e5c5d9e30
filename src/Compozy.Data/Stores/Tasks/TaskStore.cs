using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Stores.Tasks;

/// <inheritdoc cref="ITaskStore"/>
internal sealed class TaskStore(
    StoreReads reads,
    IDatabaseWriter writer,
    IStoreDialect dialect,
    IOptions<StoreOptions> options,
    TimeProvider clock,
    StoreErrors errors) : ITaskStore
{
    public Task<TaskState> GetStateAsync(string taskExecId, CancellationToken cancellationToken = default) =>
        ReadAsync("get task state", tasks => tasks.GetStateAsync(taskExecId, cancellationToken), cancellationToken);

    public Task<Page<TaskState>> ListStatesAsync(TaskStateFilter filter, PageRequest page, CancellationToken cancellationToken = default) =>
        ReadAsync("list task states", tasks => tasks.ListStatesAsync(filter, page, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, TaskState>> ListTasksInWorkflowAsync(string workflowExecId, CancellationToken cancellationToken = default) =>
        ReadAsync("list tasks in workflow", tasks => tasks.ListTasksInWorkflowAsync(workflowExecId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<TaskState>> ListTasksByStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken = default) =>
        ReadAsync("list tasks by status", tasks => tasks.ListTasksByStatusAsync(workflowExecId, status, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<TaskState>> ListTasksByAgentAsync(string workflowExecId, string agentId, CancellationToken cancellationToken = default) =>
        ReadAsync("list tasks by agent", tasks => tasks.ListTasksByAgentAsync(workflowExecId, agentId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<TaskState>> ListTasksByToolAsync(string workflowExecId, string toolId, CancellationToken cancellationToken = default) =>
        ReadAsync("list tasks by tool", tasks => tasks.ListTasksByToolAsync(workflowExecId, toolId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<TaskState>> ListChildrenAsync(string parentStateId, CancellationToken cancellationToken = default) =>
        ReadAsync("list child tasks", tasks => tasks.ListChildrenAsync(parentStateId, cancellationToken), cancellationToken);

    public Task<TaskState> GetChildByTaskIdAsync(string parentStateId, string taskId, CancellationToken cancellationToken = default) =>
        ReadAsync("get child task", tasks => tasks.GetChildByTaskIdAsync(parentStateId, taskId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<TaskState>> GetTaskTreeAsync(string rootStateId, CancellationToken cancellationToken = default) =>
        ReadAsync("get task tree", tasks => tasks.GetTaskTreeAsync(rootStateId, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, JsonElement>> ListChildrenOutputsAsync(string parentStateId, CancellationToken cancellationToken = default) =>
        ReadAsync("list child outputs", tasks => tasks.ListChildrenOutputsAsync(parentStateId, cancellationToken), cancellationToken);

    public Task<TaskProgress> GetProgressInfoAsync(string parentStateId, CancellationToken cancellationToken = default) =>
        ReadAsync("get task progress", tasks => tasks.GetProgressInfoAsync(parentStateId, cancellationToken), cancellationToken);

    public Task<TaskState> UpsertStateAsync(TaskState state, CancellationToken cancellationToken = default) =>
        WriteAsync("upsert task state", (tasks, token) => tasks.UpsertStateAsync(state, token), cancellationToken);

    public Task<TaskState> MergeUsageAsync(string taskExecId, UsageSummary usage, CancellationToken cancellationToken = default) =>
        WriteAsync("merge task usage", (tasks, token) => tasks.MergeUsageAsync(taskExecId, usage, token), cancellationToken);

    public Task<T> WithTransactionAsync<T>(Func<ITaskTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WriteAsync("task transaction", work, cancellationToken);
    }

    private Task<T> ReadAsync<T>(string operation, Func<TaskOperations, Task<T>> read, CancellationToken cancellationToken) =>
        reads.RunAsync(operation, (context, _) => read(new TaskOperations(context, dialect, options.Value, clock)), cancellationToken);

    private Task<T> WriteAsync<T>(string operation, Func<ITaskTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        errors.RunAsync(
            operation,
            token => writer.WriteAsync((context, inner) => work(new TaskOperations(context, dialect, options.Value, clock), inner), token),
            cancellationToken);
}
