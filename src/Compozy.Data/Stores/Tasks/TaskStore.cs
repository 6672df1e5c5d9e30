using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Stores.Tasks;

/// <inheritdoc cref="ITaskStore"/>
internal sealed class TaskStore(
    StoreReads reads,
    StoreWrites writes,
    IStoreDialect dialect,
    IOptions<StoreOptions> options,
    TimeProvider clock) : ITaskStore
{
    public Task<TaskState> GetStateAsync(string taskExecId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskExecId);
        return reads.GetByKeyAsync(
            "get task state",
            taskExecId,
            (context, token) => new TaskOperations(context, dialect, options.Value, clock).FindStateAsync(taskExecId, token),
            () => TaskOperations.NotFound(taskExecId),
            cancellationToken);
    }

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

    public async Task<TaskState> UpsertStateAsync(TaskState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            return await WriteAsync("upsert task state", (tasks, token) => tasks.UpsertStateAsync(state, token), cancellationToken).ConfigureAwait(false);
        }
        catch (CompozyDataException exception) when (exception.Kind == DbErrorKind.ForeignKey)
        {
            // SQLite does not say which reference is missing; finding out costs reads only on this path.
            throw await MissingReferenceAsync(state, exception, cancellationToken).ConfigureAwait(false) ?? exception;
        }
    }

    public Task<TaskState> MergeUsageAsync(string taskExecId, UsageSummary usage, CancellationToken cancellationToken = default) =>
        WriteAsync("merge task usage", (tasks, token) => tasks.MergeUsageAsync(taskExecId, usage, token), cancellationToken);

    public Task<T> WithTransactionAsync<T>(Func<ITaskTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WriteAsync("task transaction", work, cancellationToken);
    }

    private async Task<CompozyDataException?> MissingReferenceAsync(TaskState state, CompozyDataException refused, CancellationToken cancellationToken)
    {
        var workflowExists = await reads.RunAsync(
            "find the workflow of a task state",
            (context, token) => context.WorkflowStates.AsNoTracking().AnyAsync(workflow => workflow.WorkflowExecId == state.WorkflowExecId, token),
            cancellationToken).ConfigureAwait(false);
        if (!workflowExists)
        {
            return CompozyDataException.MissingReference(
                "workflow_exec_id", $"workflow state '{state.WorkflowExecId}' not found: create the workflow before its tasks", refused);
        }

        if (state.ParentStateId is not { } parent)
        {
            return null;
        }

        var parentExists = await reads.RunAsync(
            "find the parent of a task state",
            (context, token) => context.TaskStates.AsNoTracking().AnyAsync(task => task.TaskExecId == parent, token),
            cancellationToken).ConfigureAwait(false);
        return parentExists
            ? null
            : CompozyDataException.MissingReference("parent_state_id", $"task state '{parent}' not found: create the parent before its children", refused);
    }

    private Task<T> ReadAsync<T>(string operation, Func<TaskOperations, Task<T>> read, CancellationToken cancellationToken) =>
        reads.RunAsync(operation, (context, _) => read(new TaskOperations(context, dialect, options.Value, clock)), cancellationToken);

    private Task<T> WriteAsync<T>(string operation, Func<ITaskTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        writes.RunAsync(operation, (context, token) => work(new TaskOperations(context, dialect, options.Value, clock), token), cancellationToken);
}
