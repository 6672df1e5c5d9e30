using Compozy.Data.Entities;
using Compozy.Data.Stores.Usage;

namespace Compozy.Data.Stores.Tasks;

/// <summary>
/// The task states of workflow executions (Compozy's task repository). Every write returns once
/// it is committed and durable under the configured synchronous mode; a transient failure
/// (PostgreSQL's transient errors, SQLite busy) re-runs the whole write with backoff.
/// </summary>
public interface ITaskStore : ITaskReader
{
    /// <summary>
    /// Inserts the task state, or replaces every field of the one with the same execution id but
    /// its creation time. Returns the row as stored. The tasks of a workflow execution stay a
    /// forest: in the same transaction, under row locks, the upsert checks that the parent is in
    /// the task's own workflow execution and is neither the task nor one of its descendants, and
    /// that a task with children is not moved to another workflow execution.
    /// </summary>
    /// <exception cref="Errors.RequestValidationException">
    /// Naming <c>parent_state_id</c>: the parent is the task itself, one of its descendants, or a
    /// task of another workflow execution.
    /// </exception>
    /// <exception cref="Errors.CompozyDataException">
    /// <see cref="Errors.DbErrorKind.ForeignKey"/> for an unknown workflow execution or parent;
    /// <see cref="Errors.DbErrorKind.Check"/> for a status, execution type or component combination the schema refuses;
    /// <see cref="Errors.DbErrorKind.Conflict"/> for a change of <c>workflow_exec_id</c> while the task has children.
    /// </exception>
    Task<TaskState> UpsertStateAsync(TaskState state, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="usage"/> to the task's usage, under a row lock, and returns the updated state.</summary>
    /// <exception cref="Errors.CompozyDataException">
    /// <see cref="Errors.DbErrorKind.NotFound"/> for an unknown task; <see cref="Errors.DbErrorKind.Conflict"/>, with
    /// nothing written, when a count would pass <see cref="long.MaxValue"/>.
    /// </exception>
    Task<TaskState> MergeUsageAsync(string taskExecId, UsageSummary usage, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that commits when it returns and rolls back
    /// when it throws. On a transient failure the whole delegate runs again on a new transaction,
    /// so it must not have side effects outside the database.
    /// </summary>
    Task<T> WithTransactionAsync<T>(Func<ITaskTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}
