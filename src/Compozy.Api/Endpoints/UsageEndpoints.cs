using Compozy.Api.Errors;
using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Compozy.Api.Requests.Bodies;
using Compozy.Api.Responses;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/usage</c>: LLM usage rows per execution and component (admins only).</summary>
internal static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var usage = admin.MapGroup("/usage").WithTags("Usage");
        usage.MapPut("/", PutAsync).ReadsBody<UsageRowBody>().Answers(ProblemCode.ReferenceNotFound, ProblemCode.DiskFull)
            .WithSummary("Store the LLM usage row of an execution and component, replacing the stored one");
        usage.MapGet("/tasks/{task_exec_id}", ByTaskAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a task execution's latest usage row");
        usage.MapGet("/workflows/{workflow_exec_id}", ByWorkflowAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a workflow execution's own usage row");
        usage.MapGet("/workflows/{workflow_exec_id}/summary", SummaryAsync).Answers(ProblemCode.NotFound, ProblemCode.Conflict)
            .WithSummary("Sum a workflow execution's usage rows");
    }

    private static async Task<Ok<UsageRowResponse>> PutAsync(HttpRequest request, IUsageStore usage, ITaskStore tasks, IWorkflowStore workflows, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var row = new ExecutionLlmUsage
        {
            WorkflowExecId = body.Id("workflow_exec_id"),
            TaskExecId = body.Id("task_exec_id"),
            Component = body.Id("component", required: true) ?? string.Empty,
            AgentId = body.Id("agent_id"),
            Provider = body.Id("provider", required: true) ?? string.Empty,
            Model = body.Id("model", required: true) ?? string.Empty,
            PromptTokens = body.LongNumber("prompt_tokens", min: 0) ?? 0,
            CompletionTokens = body.LongNumber("completion_tokens", min: 0) ?? 0,
            TotalTokens = body.LongNumber("total_tokens", min: 0) ?? 0,
            ReasoningTokens = body.LongNumber("reasoning_tokens", min: 0),
            CachedPromptTokens = body.LongNumber("cached_prompt_tokens", min: 0),
            InputAudioTokens = body.LongNumber("input_audio_tokens", min: 0),
            OutputAudioTokens = body.LongNumber("output_audio_tokens", min: 0),
        };
        if ((row.WorkflowExecId is null) == (row.TaskExecId is null))
        {
            body.Problems.Add("workflow_exec_id", "exactly one of workflow_exec_id and task_exec_id must be set");
        }

        body.Complete();
        return TypedResults.Ok(UsageRowResponse.From(await usage.UpsertAsync(row, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<UsageRowResponse>> ByTaskAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, IUsageStore usage, CancellationToken cancellationToken) =>
        TypedResults.Ok(UsageRowResponse.From(await usage.GetByTaskExecIdAsync(RequestIds.Path("task_exec_id", taskExecId), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<UsageRowResponse>> ByWorkflowAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, IUsageStore usage, CancellationToken cancellationToken) =>
        TypedResults.Ok(UsageRowResponse.From(await usage.GetByWorkflowExecIdAsync(RequestIds.Path("workflow_exec_id", workflowExecId), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<UsageTotalsResponse>> SummaryAsync(
        [FromRoute(Name = "workflow_exec_id")] string workflowExecId, IUsageStore usage, CancellationToken cancellationToken) =>
        TypedResults.Ok(UsageTotalsResponse.From(await usage.SummarizeByWorkflowExecIdAsync(RequestIds.Path("workflow_exec_id", workflowExecId), cancellationToken).ConfigureAwait(false)));
}
