using System.Runtime.CompilerServices;
using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Sql;
using Compozy.Data.Stores.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Stores.Tasks;

/// <summary>
/// The task operations on one context: a read context for the store's reads, the writer's
/// context inside a write. The same code serves both, so a read behaves the same in and out of a
/// transaction.
/// </summary>
internal sealed class TaskOperations(CompozyDbContext context, IStoreDialect dialect, StoreOptions options, TimeProvider clock) : ITaskTransaction
{
    private const string What = "task state";

    private static readonly UpsertShape Shape = new(["task_exec_id"], ConflictPredicate: null, KeepOnConflict: ["created_at"]);

    // The hottest read, compiled once: EF otherwise rebuilds, hashes and looks up the LINQ
    // expression on every call. One per model (one per provider), since a compiled query
    // recompiles whenever it meets a context of another model.
    private static readonly ConditionalWeakTable<IModel, Func<CompozyDbContext, string, CancellationToken, Task<TaskState?>>> ById = new();

    private IQueryable<TaskState> States => context.TaskStates.AsNoTracking();

    public async Task<TaskState> GetStateAsync(string taskExecId, CancellationToken cancellationToken = default) =>
        await FindStateAsync(taskExecId, cancellationToken).ConfigureAwait(false) ?? throw NotFound(taskExecId);

    /// <summary>The task state <paramref name="taskExecId"/>, or <see langword="null"/> when there is none.</summary>
    public Task<TaskState?> FindStateAsync(string taskExecId, CancellationToken cancellationToken) =>
        ById.GetValue(context.Model, static _ => CompileById())(context, taskExecId, cancellationToken);

    /// <summary>The answer for a task state id that names no row.</summary>
    public static CompozyDataException NotFound(string taskExecId) => CompozyDataException.NotFound(What, taskExecId);

    public Task<TaskState> GetStateForUpdateAsync(string taskExecId, CancellationToken cancellationToken = default) =>
        RowLocks.GetForUpdateAsync(context.TaskStates, dialect, "task_states", "task_exec_id", taskExecId, What, cancellationToken);

    public async Task<Page<TaskState>> ListStatesAsync(TaskStateFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var query = Filter(States, filter);
        if (PageCursor.Decode(page.After) is { } after)
        {
            query = query.Where(task => task.CreatedAt > after.CreatedAt
                || (task.CreatedAt == after.CreatedAt && string.Compare(task.TaskExecId, after.Id) > 0));
        }

        var rows = await query
            .OrderBy(task => task.CreatedAt)
            .ThenBy(task => task.TaskExecId)
            .Take(Paging.Limit(page) + 1)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return Paging.Cut(rows, page, task => new PageCursor(task.CreatedAt, task.TaskExecId));
    }

    public async Task<IReadOnlyDictionary<string, TaskState>> ListTasksInWorkflowAsync(string workflowExecId, CancellationToken cancellationToken = default)
    {
        // The latest row per task id: a task retried under a new execution id appears once.
        var rows = await context.TaskStates
            .FromSql($"""
                SELECT * FROM (
                    SELECT "task_states".*, ROW_NUMBER() OVER (PARTITION BY "task_id" ORDER BY "created_at" DESC, "task_exec_id" DESC) AS "rank_in_task"
                    FROM "task_states" WHERE "workflow_exec_id" = {workflowExecId}
                ) AS "ranked" WHERE "rank_in_task" = 1
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.ToDictionary(task => task.TaskId, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<TaskState>> ListTasksByStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken = default) =>
        await InWorkflow(workflowExecId).Where(task => task.Status == status).ToListAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<TaskState>> ListTasksByAgentAsync(string workflowExecId, string agentId, CancellationToken cancellationToken = default) =>
        await InWorkflow(workflowExecId).Where(task => task.AgentId == agentId).ToListAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<TaskState>> ListTasksByToolAsync(string workflowExecId, string toolId, CancellationToken cancellationToken = default) =>
        await InWorkflow(workflowExecId).Where(task => task.ToolId == toolId).ToListAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<TaskState>> ListChildrenAsync(string parentStateId, CancellationToken cancellationToken = default) =>
        await States.Where(task => task.ParentStateId == parentStateId)
            .OrderBy(task => task.TaskId)
            .ThenBy(task => task.CreatedAt)
            .ThenBy(task => task.TaskExecId)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

    public async Task<TaskState> GetChildByTaskIdAsync(string parentStateId, string taskId, CancellationToken cancellationToken = default) =>
        await States.Where(task => task.ParentStateId == parentStateId && task.TaskId == taskId)
            .OrderByDescending(task => task.CreatedAt)
            .ThenByDescending(task => task.TaskExecId)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound($"child task '{taskId}' of task state", parentStateId);

    public async Task<IReadOnlyList<TaskState>> GetTaskTreeAsync(string rootStateId, CancellationToken cancellationToken = default)
    {
        var maxDepth = options.TaskTreeMaxDepth;

        // Each task has one parent, so the only loop a walk down from the root can enter (one
        // stored before upserts checked for loops) runs through the root: never descending into
        // the root again ends it, and every task is listed once.
        var rows = await context.TaskStates
            .FromSql($"""
                WITH RECURSIVE "task_tree" AS (
                    SELECT "task_states".*, 0 AS "tree_depth" FROM "task_states" WHERE "task_exec_id" = {rootStateId}
                    UNION ALL
                    SELECT "child".*, "parent"."tree_depth" + 1 FROM "task_states" AS "child"
                    JOIN "task_tree" AS "parent" ON "child"."parent_state_id" = "parent"."task_exec_id"
                    WHERE "parent"."tree_depth" < {maxDepth} AND "child"."task_exec_id" <> {rootStateId}
                )
                SELECT * FROM "task_tree" ORDER BY "tree_depth", "created_at", "task_exec_id"
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.Count == 0 ? throw CompozyDataException.NotFound(What, rootStateId) : rows;
    }

    public async Task<IReadOnlyDictionary<string, JsonElement>> ListChildrenOutputsAsync(string parentStateId, CancellationToken cancellationToken = default)
    {
        var rows = await States.Where(task => task.ParentStateId == parentStateId && task.Output != null)
            .OrderBy(task => task.TaskId)
            .ThenBy(task => task.CreatedAt)
            .Select(task => new { task.TaskId, task.Output })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        // Ordered oldest first, so the latest child of a task id wins.
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            outputs[row.TaskId] = row.Output!.Value;
        }

        return outputs;
    }

    public async Task<TaskProgress> GetProgressInfoAsync(string parentStateId, CancellationToken cancellationToken = default)
    {
        var counts = await States.Where(task => task.ParentStateId == parentStateId)
            .GroupBy(task => task.Status)
            .Select(group => new { Status = group.Key, Count = group.Count() })
            .ToDictionaryAsync(group => group.Status, group => group.Count, cancellationToken)
            .ConfigureAwait(false);
        return TaskProgress.From(counts);
    }

    public async Task<TaskState> UpsertStateAsync(TaskState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tree = new TaskTreeGuard(context, dialect);
        var previous = await tree.BeforeUpsertAsync(state, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await ModelUpsert.UpsertAsync(context, dialect, state, Shape, UpsertTimestamps.At(now), cancellationToken).ConfigureAwait(false);
        await tree.AfterUpsertAsync(state, previous, stored, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task<TaskState> MergeUsageAsync(string taskExecId, UsageSummary usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var state = await GetStateForUpdateAsync(taskExecId, cancellationToken).ConfigureAwait(false);
        var json = StoredUsage.Add(state.Usage, usage, What, taskExecId);
        var now = clock.GetUtcNow().UtcDateTime;
        await context.TaskStates.Where(task => task.TaskExecId == taskExecId)
            .ExecuteUpdateAsync(set => set.SetProperty(task => task.Usage, json).SetProperty(task => task.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        return await GetStateAsync(taskExecId, cancellationToken).ConfigureAwait(false);
    }

    private static Func<CompozyDbContext, string, CancellationToken, Task<TaskState?>> CompileById() =>
        EF.CompileAsyncQuery((CompozyDbContext db, string id, CancellationToken token) => db.TaskStates.AsNoTracking().SingleOrDefault(task => task.TaskExecId == id));

    private static IQueryable<TaskState> Filter(IQueryable<TaskState> query, TaskStateFilter filter)
    {
        if (filter.Status is { } status)
        {
            query = query.Where(task => task.Status == status);
        }

        if (filter.ExecutionType is { } executionType)
        {
            query = query.Where(task => task.ExecutionType == executionType);
        }

        query = Equal(query, filter.WorkflowId, value => task => task.WorkflowId == value);
        query = Equal(query, filter.WorkflowExecId, value => task => task.WorkflowExecId == value);
        query = Equal(query, filter.TaskId, value => task => task.TaskId == value);
        query = Equal(query, filter.TaskExecId, value => task => task.TaskExecId == value);
        query = Equal(query, filter.ParentStateId, value => task => task.ParentStateId == value);
        query = Equal(query, filter.AgentId, value => task => task.AgentId == value);
        query = Equal(query, filter.ActionId, value => task => task.ActionId == value);
        return Equal(query, filter.ToolId, value => task => task.ToolId == value);
    }

    private static IQueryable<TaskState> Equal(
        IQueryable<TaskState> query, string? value, Func<string, System.Linq.Expressions.Expression<Func<TaskState, bool>>> predicate) =>
        value is null ? query : query.Where(predicate(value));

    private IQueryable<TaskState> InWorkflow(string workflowExecId) =>
        States.Where(task => task.WorkflowExecId == workflowExecId).OrderBy(task => task.CreatedAt).ThenBy(task => task.TaskExecId);
}
