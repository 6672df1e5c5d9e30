using System.Text.Json;
using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Tasks;

/// <summary>
/// Reads of task states. Outside a transaction they run on a read connection and never wait for
/// writers; inside <see cref="ITaskStore.WithTransactionAsync{T}"/> they see the transaction's own
/// writes. A missing row named by the caller raises <see cref="Errors.CompozyDataException"/>
/// with <see cref="Errors.DbErrorKind.NotFound"/>; listings return empty collections instead.
/// </summary>
public interface ITaskReader
{
    /// <summary>The task state with this execution id.</summary>
    Task<TaskState> GetStateAsync(string taskExecId, CancellationToken cancellationToken = default);

    /// <summary>Task states matching <paramref name="filter"/>, oldest first, one page at a time.</summary>
    /// <exception cref="ArgumentException">The page's cursor or limit is not valid.</exception>
    Task<Page<TaskState>> ListStatesAsync(TaskStateFilter filter, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>The latest state of each task of a workflow execution, by task id.</summary>
    Task<IReadOnlyDictionary<string, TaskState>> ListTasksInWorkflowAsync(string workflowExecId, CancellationToken cancellationToken = default);

    /// <summary>The tasks of a workflow execution in a status.</summary>
    Task<IReadOnlyList<TaskState>> ListTasksByStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken = default);

    /// <summary>The tasks of a workflow execution run by an agent.</summary>
    Task<IReadOnlyList<TaskState>> ListTasksByAgentAsync(string workflowExecId, string agentId, CancellationToken cancellationToken = default);

    /// <summary>The tasks of a workflow execution run by a tool.</summary>
    Task<IReadOnlyList<TaskState>> ListTasksByToolAsync(string workflowExecId, string toolId, CancellationToken cancellationToken = default);

    /// <summary>The direct children of a task, by task id.</summary>
    Task<IReadOnlyList<TaskState>> ListChildrenAsync(string parentStateId, CancellationToken cancellationToken = default);

    /// <summary>The latest child of a task with this task id.</summary>
    Task<TaskState> GetChildByTaskIdAsync(string parentStateId, string taskId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A task and its descendants, level by level (the root first), down to
    /// <see cref="StoreOptions.TaskTreeMaxDepth"/> levels below the root; one recursive query.
    /// </summary>
    Task<IReadOnlyList<TaskState>> GetTaskTreeAsync(string rootStateId, CancellationToken cancellationToken = default);

    /// <summary>The outputs of the children of a task that have one, by task id.</summary>
    Task<IReadOnlyDictionary<string, JsonElement>> ListChildrenOutputsAsync(string parentStateId, CancellationToken cancellationToken = default);

    /// <summary>Counts and rates of the children of a task by status.</summary>
    Task<TaskProgress> GetProgressInfoAsync(string parentStateId, CancellationToken cancellationToken = default);
}
