using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores.Sql;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores.Workflows;

/// <summary>The workflow operations on one context (read or writer), shared by reads and writes.</summary>
internal sealed class WorkflowOperations(CompozyDbContext context, IStoreDialect dialect, StoreOptions options, TimeProvider clock)
{
    private const string What = "workflow state";

    private static readonly UpsertShape Shape = new(["workflow_exec_id"], ConflictPredicate: null, KeepOnConflict: ["created_at"]);

    private readonly TaskOperations _tasks = new(context, dialect, options, clock);

    private IQueryable<WorkflowState> States => context.WorkflowStates.AsNoTracking();

    public async Task<Page<WorkflowState>> ListStatesAsync(WorkflowStateFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var query = States;
        if (filter.Status is { } status)
        {
            query = query.Where(workflow => workflow.Status == status);
        }

        if (filter.WorkflowId is { } workflowId)
        {
            query = query.Where(workflow => workflow.WorkflowId == workflowId);
        }

        if (filter.WorkflowExecId is { } workflowExecId)
        {
            query = query.Where(workflow => workflow.WorkflowExecId == workflowExecId);
        }

        if (PageCursor.Decode(page.After) is { } after)
        {
            query = query.Where(workflow => workflow.CreatedAt > after.CreatedAt
                || (workflow.CreatedAt == after.CreatedAt && string.Compare(workflow.WorkflowExecId, after.Id) > 0));
        }

        var rows = await query
            .OrderBy(workflow => workflow.CreatedAt)
            .ThenBy(workflow => workflow.WorkflowExecId)
            .Take(Paging.Limit(page) + 1)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return Paging.Cut(rows, page, workflow => new PageCursor(workflow.CreatedAt, workflow.WorkflowExecId));
    }

    public Task<WorkflowState> UpsertStateAsync(WorkflowState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ModelUpsert.UpsertAsync(context, dialect, state, Shape, UpsertTimestamps.At(clock.GetUtcNow().UtcDateTime), cancellationToken);
    }

    public async Task<WorkflowSnapshot> UpdateStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await context.WorkflowStates.Where(workflow => workflow.WorkflowExecId == workflowExecId)
            .ExecuteUpdateAsync(set => set.SetProperty(workflow => workflow.Status, status).SetProperty(workflow => workflow.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        if (updated == 0)
        {
            throw CompozyDataException.NotFound(What, workflowExecId);
        }

        // Read back in the same transaction: a read that fails rolls the update back, so a
        // failure is never reported for a change that was committed.
        return await GetStateAsync(workflowExecId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowSnapshot> GetStateAsync(string workflowExecId, CancellationToken cancellationToken) =>
        await SnapshotAsync(States.Where(workflow => workflow.WorkflowExecId == workflowExecId), cancellationToken).ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound(What, workflowExecId);

    public async Task<WorkflowSnapshot> GetStateByIdAsync(string workflowId, CancellationToken cancellationToken) =>
        await SnapshotAsync(States.Where(workflow => workflow.WorkflowId == workflowId), cancellationToken).ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound("execution of workflow", workflowId);

    public async Task<WorkflowSnapshot> GetStateByTaskIdAsync(string workflowId, string taskId, CancellationToken cancellationToken) =>
        await SnapshotAsync(WithTask(workflowId, task => task.TaskId == taskId), cancellationToken).ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound($"execution of workflow '{workflowId}' with task", taskId);

    public async Task<WorkflowSnapshot> GetStateByAgentIdAsync(string workflowId, string agentId, CancellationToken cancellationToken) =>
        await SnapshotAsync(WithTask(workflowId, task => task.AgentId == agentId), cancellationToken).ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound($"execution of workflow '{workflowId}' with agent", agentId);

    public async Task<WorkflowSnapshot> GetStateByToolIdAsync(string workflowId, string toolId, CancellationToken cancellationToken) =>
        await SnapshotAsync(WithTask(workflowId, task => task.ToolId == toolId), cancellationToken).ConfigureAwait(false)
        ?? throw CompozyDataException.NotFound($"execution of workflow '{workflowId}' with tool", toolId);

    public async Task<WorkflowSnapshot> CompleteWorkflowAsync(string workflowExecId, WorkflowOutputTransformer? transformer, CancellationToken cancellationToken)
    {
        var workflow = await GetStateForUpdateAsync(workflowExecId, cancellationToken).ConfigureAwait(false);
        var tasks = await _tasks.ListTasksInWorkflowAsync(workflowExecId, cancellationToken).ConfigureAwait(false);
        if (workflow.Status is ExecutionStatus.Success or ExecutionStatus.Failed)
        {
            return new WorkflowSnapshot(workflow, tasks);
        }

        // Compozy's rule: its repositories refuse to complete while a top-level task is PENDING or
        // RUNNING, and its SQLite repository also while one is WAITING; a PAUSED one holds nothing
        // back. Its caller retries later, so the refusal writes nothing.
        var unfinished = tasks.Values
            .Where(task => task.ParentStateId is null && task.Status is ExecutionStatus.Pending or ExecutionStatus.Running or ExecutionStatus.Waiting)
            .Select(task => $"{task.TaskId} ({StoredNames.Of(task.Status)})")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unfinished.Count > 0)
        {
            throw CompozyDataException.Conflict(
                $"workflow state '{workflowExecId}' cannot complete yet: {string.Join(", ", unfinished)} not finished");
        }

        // As Compozy's SQLite repository: a top-level task that failed, timed out or was canceled
        // fails the workflow (its PostgreSQL repository counts only FAILED).
        var status = tasks.Values.Any(task => task.ParentStateId is null && task.Status is ExecutionStatus.Failed or ExecutionStatus.TimedOut or ExecutionStatus.Canceled)
            ? ExecutionStatus.Failed
            : ExecutionStatus.Success;
        JsonElement output;
        JsonElement? error = null;
        try
        {
            output = transformer is null ? DefaultOutput(tasks) : transformer(workflow, tasks);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output = DefaultOutput(tasks);
            status = ExecutionStatus.Failed;
            error = JsonSerializer.SerializeToElement(new Dictionary<string, string>
            {
                ["message"] = exception.Message,
                ["code"] = "OUTPUT_TRANSFORMATION_FAILED",
            });
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await context.WorkflowStates.Where(state => state.WorkflowExecId == workflowExecId)
            .ExecuteUpdateAsync(
                set => set.SetProperty(state => state.Output, output)
                    .SetProperty(state => state.Status, status)
                    .SetProperty(state => state.Error, error)
                    .SetProperty(state => state.UpdatedAt, now),
                cancellationToken)
            .ConfigureAwait(false);
        return await GetStateAsync(workflowExecId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowState> MergeUsageAsync(string workflowExecId, UsageSummary usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var workflow = await GetStateForUpdateAsync(workflowExecId, cancellationToken).ConfigureAwait(false);
        var json = StoredUsage.Add(workflow.Usage, usage, What, workflowExecId);
        var now = clock.GetUtcNow().UtcDateTime;
        await context.WorkflowStates.Where(state => state.WorkflowExecId == workflowExecId)
            .ExecuteUpdateAsync(set => set.SetProperty(state => state.Usage, json).SetProperty(state => state.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        return await States.SingleAsync(state => state.WorkflowExecId == workflowExecId, cancellationToken).ConfigureAwait(false);
    }

    private Task<WorkflowState> GetStateForUpdateAsync(string workflowExecId, CancellationToken cancellationToken) =>
        RowLocks.GetForUpdateAsync(context.WorkflowStates, dialect, "workflow_states", "workflow_exec_id", workflowExecId, What, cancellationToken);

    private async Task<WorkflowSnapshot?> SnapshotAsync(IQueryable<WorkflowState> candidates, CancellationToken cancellationToken)
    {
        var workflow = await candidates
            .OrderByDescending(state => state.CreatedAt)
            .ThenByDescending(state => state.WorkflowExecId)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (workflow is null)
        {
            return null;
        }

        var tasks = await _tasks.ListTasksInWorkflowAsync(workflow.WorkflowExecId, cancellationToken).ConfigureAwait(false);
        return new WorkflowSnapshot(workflow, tasks);
    }

    private IQueryable<WorkflowState> WithTask(string workflowId, System.Linq.Expressions.Expression<Func<TaskState, bool>> predicate)
    {
        var matchingExecutions = context.TaskStates.Where(predicate).Select(task => task.WorkflowExecId);
        return States.Where(workflow => workflow.WorkflowId == workflowId && matchingExecutions.Contains(workflow.WorkflowExecId));
    }

    private static JsonElement DefaultOutput(IReadOnlyDictionary<string, TaskState> tasks)
    {
        // Compozy's output map: each task's output by task id, with its parent and, for parallel
        // tasks, the execution type.
        var map = new SortedDictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var (taskId, task) in tasks)
        {
            var entry = new Dictionary<string, object?> { ["output"] = task.Output };
            if (task.ParentStateId is { } parent)
            {
                entry["parent_state_id"] = parent;
            }

            if (task.ExecutionType == ExecutionType.Parallel)
            {
                entry["execution_type"] = StoredNames.Of(ExecutionType.Parallel);
            }

            map[taskId] = entry;
        }

        // The map nests each output two levels deeper than stored: allow what reads accept.
        return JsonSerializer.SerializeToElement(map, StoredJson.WriteOptions);
    }
}
