using Compozy.Data.Entities;
using Compozy.Data.Stores.Usage;

namespace Compozy.Data.Stores.Tasks;

/// <summary>
/// Task operations inside one transaction of <see cref="ITaskStore.WithTransactionAsync{T}"/>:
/// everything commits together or nothing does.
/// </summary>
public interface ITaskTransaction : ITaskReader
{
    /// <summary>
    /// Reads a task state and keeps any other transaction from changing it until this one ends
    /// (PostgreSQL: a row lock, <c>FOR UPDATE</c>; SQLite: the single writer already excludes
    /// every other write).
    /// </summary>
    Task<TaskState> GetStateForUpdateAsync(string taskExecId, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ITaskStore.UpsertStateAsync"/>
    Task<TaskState> UpsertStateAsync(TaskState state, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ITaskStore.MergeUsageAsync"/>
    Task<TaskState> MergeUsageAsync(string taskExecId, UsageSummary usage, CancellationToken cancellationToken = default);
}
