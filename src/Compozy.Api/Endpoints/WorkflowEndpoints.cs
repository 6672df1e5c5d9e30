using Compozy.Api.Errors;
using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Compozy.Api.Requests.Bodies;
using Compozy.Api.Responses;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/workflows</c>: workflow executions.</summary>
internal static class WorkflowEndpoints
{
    private const string Path = "/workflows";

    public static void Map(IEndpointRouteBuilder api)
    {
        var workflows = api.MapGroup(Path).WithTags("Workflows");
        workflows.MapPut("/{workflow_exec_id}", PutAsync).ReadsBody<WorkflowBody>().Answers(ProblemCode.DiskFull)
            .WithSummary("Store a workflow execution, replacing the stored one");
        workflows.MapGet("/{workflow_exec_id}", GetAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a workflow execution with its tasks");
        workflows.MapGet("/", ListAsync).TakesQuery<WorkflowListQuery>()
            .WithSummary("List workflow executions, a page at a time");
        workflows.MapGet("/{workflow_exec_id}/progress", ProgressAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Count a workflow execution's top-level tasks by status");
        workflows.MapPost("/{workflow_exec_id}/complete", CompleteAsync).Answers(ProblemCode.NotFound, ProblemCode.Conflict, ProblemCode.DiskFull)
            .WithSummary("Complete a workflow execution from its tasks' outcomes");
        workflows.MapPut("/{workflow_exec_id}/status", StatusAsync).ReadsBody<StatusBody>().Answers(ProblemCode.NotFound, ProblemCode.DiskFull)
            .WithSummary("Change a workflow execution's status");
        workflows.MapPost("/{workflow_exec_id}/usage", MergeUsageAsync).ReadsBody<UsageBody>().Answers(ProblemCode.NotFound, ProblemCode.Conflict, ProblemCode.DiskFull)
            .WithSummary("Add usage to a workflow execution's usage");
    }

    private static async Task<Results<Created<WorkflowResponse>, Ok<WorkflowResponse>>> PutAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflowExecId);
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
            ? TypedResults.Created($"{ApiEndpoints.Prefix}{Path}/{Uri.EscapeDataString(id)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<WorkflowResponse>> GetAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, IWorkflowStore workflows, CancellationToken cancellationToken) =>
        TypedResults.Ok(WorkflowResponse.From(await workflows.GetStateAsync(RequestIds.Path("workflow_exec_id", workflowExecId), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<PageResponse<WorkflowResponse>>> ListAsync(HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
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
        return TypedResults.Ok(new PageResponse<WorkflowResponse>(result.Items.Select(WorkflowResponse.From).ToList(), result.NextCursor));
    }

    private static async Task<Ok<ProgressResponse>> ProgressAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        // The workflow's own tasks (the latest execution of each), not their children.
        var snapshot = await workflows.GetStateAsync(RequestIds.Path("workflow_exec_id", workflowExecId), cancellationToken).ConfigureAwait(false);
        var counts = snapshot.Tasks.Values
            .Where(task => task.ParentStateId is null)
            .GroupBy(task => task.Status)
            .ToDictionary(group => group.Key, group => group.Count());
        return TypedResults.Ok(ProgressResponse.From(TaskProgress.From(counts)));
    }

    private static async Task<Ok<WorkflowResponse>> CompleteAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, IWorkflowStore workflows, CancellationToken cancellationToken) =>
        TypedResults.Ok(WorkflowResponse.From(await workflows.CompleteWorkflowAsync(RequestIds.Path("workflow_exec_id", workflowExecId), cancellationToken: cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<WorkflowResponse>> StatusAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflowExecId);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var status = body.Enum<ExecutionStatus>("status", required: true);
        body.Complete();
        return TypedResults.Ok(WorkflowResponse.From(await workflows.UpdateStatusAsync(id, status!.Value, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<WorkflowResponse>> MergeUsageAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, HttpRequest request, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("workflow_exec_id", workflowExecId);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var entries = UsageRequest.Read(body, required: true);
        body.Complete();
        return TypedResults.Ok(WorkflowResponse.From(await workflows.MergeUsageAsync(id, new UsageSummary(entries!), cancellationToken).ConfigureAwait(false)));
    }
}
