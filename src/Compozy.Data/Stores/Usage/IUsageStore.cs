using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Usage;

/// <summary>
/// LLM usage rows per execution and component (Compozy's usage repository). A missing row named
/// by the caller raises <see cref="Errors.CompozyDataException"/> with
/// <see cref="Errors.DbErrorKind.NotFound"/>.
/// </summary>
public interface IUsageStore
{
    /// <summary>
    /// Inserts the row, or replaces the counts of the row for the same execution and component,
    /// in one statement. Returns the row as stored. Each count may be any value from 0 to
    /// <see cref="long.MaxValue"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A required field is missing, or not exactly one of the execution ids is set.</exception>
    /// <exception cref="Errors.CompozyDataException"><see cref="Errors.DbErrorKind.ForeignKey"/> for an unknown execution.</exception>
    Task<ExecutionLlmUsage> UpsertAsync(ExecutionLlmUsage row, CancellationToken cancellationToken = default);

    /// <summary>The most recently updated usage row of a task execution.</summary>
    Task<ExecutionLlmUsage> GetByTaskExecIdAsync(string taskExecId, CancellationToken cancellationToken = default);

    /// <summary>The workflow-level usage row (component <c>workflow</c>) of a workflow execution.</summary>
    Task<ExecutionLlmUsage> GetByWorkflowExecIdAsync(string workflowExecId, CancellationToken cancellationToken = default);

    /// <summary>Sums the usage rows of a workflow execution and of its tasks, except the workflow-level row.</summary>
    /// <exception cref="Errors.CompozyDataException">
    /// <see cref="Errors.DbErrorKind.NotFound"/> without rows; <see cref="Errors.DbErrorKind.Conflict"/> when a sum
    /// would pass <see cref="long.MaxValue"/> (each row fits, their sum does not).
    /// </exception>
    Task<UsageTotals> SummarizeByWorkflowExecIdAsync(string workflowExecId, CancellationToken cancellationToken = default);
}
