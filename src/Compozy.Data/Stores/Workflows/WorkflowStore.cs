using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Stores.Workflows;

/// <inheritdoc cref="IWorkflowStore"/>
internal sealed class WorkflowStore(
    StoreReads reads,
    StoreWrites writes,
    IStoreDialect dialect,
    IOptions<StoreOptions> options,
    TimeProvider clock) : IWorkflowStore
{
    public Task<Page<WorkflowState>> ListStatesAsync(WorkflowStateFilter filter, PageRequest page, CancellationToken cancellationToken = default) =>
        ReadAsync("list workflow states", consistent: false, (workflows, token) => workflows.ListStatesAsync(filter, page, token), cancellationToken);

    public Task<WorkflowState> UpsertStateAsync(WorkflowState state, CancellationToken cancellationToken = default) =>
        WriteAsync("upsert workflow state", (workflows, token) => workflows.UpsertStateAsync(state, token), cancellationToken);

    public Task<WorkflowSnapshot> UpdateStatusAsync(string workflowExecId, ExecutionStatus status, CancellationToken cancellationToken = default) =>
        WriteAsync("update workflow status", (workflows, token) => workflows.UpdateStatusAsync(workflowExecId, status, token), cancellationToken);

    public Task<WorkflowSnapshot> GetStateAsync(string workflowExecId, CancellationToken cancellationToken = default) =>
        ReadAsync("get workflow state", consistent: true, (workflows, token) => workflows.GetStateAsync(workflowExecId, token), cancellationToken);

    public Task<WorkflowSnapshot> GetStateByIdAsync(string workflowId, CancellationToken cancellationToken = default) =>
        ReadAsync("get workflow state by workflow id", consistent: true, (workflows, token) => workflows.GetStateByIdAsync(workflowId, token), cancellationToken);

    public Task<WorkflowSnapshot> GetStateByTaskIdAsync(string workflowId, string taskId, CancellationToken cancellationToken = default) =>
        ReadAsync("get workflow state by task id", consistent: true, (workflows, token) => workflows.GetStateByTaskIdAsync(workflowId, taskId, token), cancellationToken);

    public Task<WorkflowSnapshot> GetStateByAgentIdAsync(string workflowId, string agentId, CancellationToken cancellationToken = default) =>
        ReadAsync("get workflow state by agent id", consistent: true, (workflows, token) => workflows.GetStateByAgentIdAsync(workflowId, agentId, token), cancellationToken);

    public Task<WorkflowSnapshot> GetStateByToolIdAsync(string workflowId, string toolId, CancellationToken cancellationToken = default) =>
        ReadAsync("get workflow state by tool id", consistent: true, (workflows, token) => workflows.GetStateByToolIdAsync(workflowId, toolId, token), cancellationToken);

    public Task<WorkflowSnapshot> CompleteWorkflowAsync(string workflowExecId, WorkflowOutputTransformer? transformer = null, CancellationToken cancellationToken = default) =>
        WriteAsync("complete workflow", (workflows, token) => workflows.CompleteWorkflowAsync(workflowExecId, transformer, token), cancellationToken);

    public Task<WorkflowState> MergeUsageAsync(string workflowExecId, UsageSummary usage, CancellationToken cancellationToken = default) =>
        WriteAsync("merge workflow usage", (workflows, token) => workflows.MergeUsageAsync(workflowExecId, usage, token), cancellationToken);

    private Task<T> ReadAsync<T>(string operation, bool consistent, Func<WorkflowOperations, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        reads.RunAsync(
            operation,
            (context, token) =>
            {
                var workflows = new WorkflowOperations(context, dialect, options.Value, clock);
                return consistent ? dialect.ReadSnapshotAsync(context, inner => read(workflows, inner), token) : read(workflows, token);
            },
            cancellationToken);

    private Task<T> WriteAsync<T>(string operation, Func<WorkflowOperations, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        writes.RunAsync(operation, (context, token) => work(new WorkflowOperations(context, dialect, options.Value, clock), token), cancellationToken);
}
