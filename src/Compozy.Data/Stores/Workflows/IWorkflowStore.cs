using Compozy.Data.Entities;
using Compozy.Data.Stores.Usage;

namespace Compozy.Data.Stores.Workflows;

/// <summary>
/// Workflow executions (Compozy's workflow repository). Writes return once committed and
/// durable under the configured synchronous mode, and are re-run whole on a transient failure.
/// A missing row named by the caller raises <see cref="Errors.CompozyDataException"/> with
/// <see cref="Errors.DbErrorKind.NotFound"/>.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Workflow states matching <paramref name="filter"/>, oldest first, one page at a time, without their tasks.</summary>
    /// <exception cref="ArgumentException">The page's cursor or limit is not valid.</exception>
    Task<Page<WorkflowState>> ListStatesAsync(WorkflowStateFilter filter, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Inserts the workflow state or replaces every field but its creation time. Returns the row as stored.</summary>
    Task<WorkflowState> UpsertStateAsync(WorkflowState state, CancellationToken cancellationToken = default);

    /// <summary>Sets the status of a workflow execution. Returns it with its tasks, read in the same transaction.</summary>
    Task<WorkflowSnapshot> UpdateStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken = default);

    /// <summary>A workflow execution with its tasks.</summary>
    Task<WorkflowSnapshot> GetStateAsync(string workflowExecId, CancellationToken cancellationToken = default);

    /// <summary>The most recent execution of a workflow, with its tasks.</summary>
    Task<WorkflowSnapshot> GetStateByIdAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>The most recent execution of a workflow that ran a task with this task id.</summary>
    Task<WorkflowSnapshot> GetStateByTaskIdAsync(string workflowId, string taskId, CancellationToken cancellationToken = default);

    /// <summary>The most recent execution of a workflow in which this agent ran a task.</summary>
    Task<WorkflowSnapshot> GetStateByAgentIdAsync(string workflowId, string agentId, CancellationToken cancellationToken = default);

    /// <summary>The most recent execution of a workflow in which this tool ran a task.</summary>
    Task<WorkflowSnapshot> GetStateByToolIdAsync(string workflowId, string toolId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes a workflow execution under a row lock, as Compozy does: FAILED if a top-level
    /// task (the latest execution of each task id without a parent) is FAILED, TIMED_OUT or
    /// CANCELED, SUCCESS otherwise, with the output of <paramref name="transformer"/> or, without
    /// one, a map of each task's output. A workflow already SUCCESS or FAILED is returned
    /// unchanged, so a repeated call is harmless. Child tasks and PAUSED top-level tasks do not
    /// hold completion back.
    /// </summary>
    /// <exception cref="Errors.CompozyDataException">
    /// <see cref="Errors.DbErrorKind.Conflict"/>, with nothing written, while a top-level task is
    /// still PENDING, RUNNING or WAITING; call again once it has finished.
    /// </exception>
    Task<WorkflowSnapshot> CompleteWorkflowAsync(string workflowExecId, WorkflowOutputTransformer? transformer = null, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="usage"/> to the workflow's usage under a row lock.</summary>
    /// <exception cref="Errors.CompozyDataException">
    /// <see cref="Errors.DbErrorKind.NotFound"/> for an unknown workflow; <see cref="Errors.DbErrorKind.Conflict"/>,
    /// with nothing written, when a count would pass <see cref="long.MaxValue"/>.
    /// </exception>
    Task<WorkflowState> MergeUsageAsync(string workflowExecId, UsageSummary usage, CancellationToken cancellationToken = default);
}
