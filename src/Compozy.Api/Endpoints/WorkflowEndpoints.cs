using Compozy.Api.Requests;
using Compozy.Api.Responses;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/workflows</c>: workflow executions.</summary>
internal static class WorkflowEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var workflows = api.MapGroup("/workflows");
        workflows.MapPut("/{workflow_exec_id}", PutAsync);
        workflows.MapGet("/{workflow_exec_id}", GetAsync);
        workflows.MapGet("/", ListAsync).WithMetadata(TakesQueryParameters.Instance);
        workflows.MapGet("/{workflow_exec_id}/progress", ProgressAsync);
        workflows.MapPost("/{workflow_exec_id}/complete", CompleteAsync);
        workflows.MapPut("/{workflow_exec_id}/status", StatusAsync);
        workflows.MapPost("/{workflow_exec_id}/usage", MergeUsageAsync);
    }

    private static async Task<IResult> PutAsync(string workflow_exec_id, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflow_exec_id);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new WorkflowState
        {
            WorkflowExecId = id,
            WorkflowId = body.Id("workflow_id", required: true) ?? string.Empty,
            Status = body.Enum<ExecutionStatus>("status", required: true) ?? default,
            Input = body.Json("input"),
            Output = body.Json("output"),
            Error = body.Json("error"),
            Usage = UsageRequest.ToStored(UsageRequest.Read(body)),
        };
        body.Complete();

        var stored = await workflows.UpsertStateAsync(state, cancellationToken).ConfigureAwait(false);
        var response = WorkflowResponse.From(stored);
        return stored.CreatedAt == stored.UpdatedAt
            ? Results.Created($"/api/v0/workflows/{Uri.EscapeDataString(id)}", response)
            : Results.Ok(response);
    }

    private static async Task<IResult> GetAsync(string workflow_exec_id, IWorkflowStore workflows, CancellationToken cancellationToken) =>
        Results.Ok(WorkflowResponse.From(await workflows.GetStateAsync(RequestIds.Path("workflow_exec_id", workflow_exec_id), cancellationToken).ConfigureAwait(false)));

    private static async Task<IResult> ListAsync(HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var query = new QueryRequest(request.Query);
        var filter = new WorkflowStateFilter
        {
            Status = query.Enum<ExecutionStatus>("status"),
            WorkflowId = query.Id("workflow_id"),
            WorkflowExecId = query.Id("workflow_exec_id"),
        };
        var page = query.Page();
        query.Complete();
        var result = await workflows.ListStatesAsync(filter, page, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new PageResponse<WorkflowResponse>(result.Items.Select(WorkflowResponse.From).ToList(), result.NextCursor));
    }

    private static async Task<IResult> ProgressAsync(string workflow_exec_id, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        // The workflow's own tasks (the latest execution of each), not their children.
        var snapshot = await workflows.GetStateAsync(RequestIds.Path("workflow_exec_id", workflow_exec_id), cancellationToken).ConfigureAwait(false);
        var counts = snapshot.Tasks.Values
            .Where(task => task.ParentStateId is null)
            .GroupBy(task => task.Status)
            .ToDictionary(group => group.Key, group => group.Count());
        return Results.Ok(ProgressResponse.From(TaskProgress.From(counts)));
    }

    private static async Task<IResult> CompleteAsync(string workflow_exec_id, IWorkflowStore workflows, CancellationToken cancellationToken) =>
        Results.Ok(WorkflowResponse.From(await workflows.CompleteWorkflowAsync(RequestIds.Path("workflow_exec_id", workflow_exec_id), cancellationToken: cancellationToken).ConfigureAwait(false)));

    private static async Task<IResult> StatusAsync(string workflow_exec_id, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflow_exec_id);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var status = body.Enum<ExecutionStatus>("status", required: true);
        body.Complete();
        return Results.Ok(WorkflowResponse.From(await workflows.UpdateStatusAsync(id, status!.Value, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<IResult> MergeUsageAsync(string workflow_exec_id, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflow_exec_id);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var entries = UsageRequest.Read(body, required: true);
        body.Complete();
        return Results.Ok(WorkflowResponse.From(await workflows.MergeUsageAsync(id, new UsageSummary(entries!), cancellationToken).ConfigureAwait(false)));
    }
}
