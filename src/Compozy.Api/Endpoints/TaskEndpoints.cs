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

/// <summary><c>/api/v0/tasks</c>: task executions and their trees.</summary>
internal static class TaskEndpoints
{
    private const string Path = "/tasks";

    public static void Map(IEndpointRouteBuilder api)
    {
        var tasks = api.MapGroup(Path).WithTags("Tasks");
        tasks.MapPut("/{task_exec_id}", PutAsync).ReadsBody<TaskBody>()
            .Answers(ProblemCode.ReferenceNotFound, ProblemCode.Conflict, ProblemCode.Referenced, ProblemCode.DiskFull)
            .WithSummary("Store a task execution, replacing the stored one");
        tasks.MapGet("/{task_exec_id}", GetAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a task execution");
        tasks.MapGet("/{task_exec_id}/tree", TreeAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a task execution and its descendants, level by level");
        tasks.MapGet("/{task_exec_id}/children", ChildrenAsync).Answers(ProblemCode.NotFound)
            .WithSummary("List a task execution's direct children");
        tasks.MapGet("/{task_exec_id}/children/outputs", ChildrenOutputsAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read each direct child's output by task id");
        tasks.MapGet("/{task_exec_id}/progress", ProgressAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Count a task execution's children by status");
        tasks.MapPost("/{task_exec_id}/usage", MergeUsageAsync).ReadsBody<UsageBody>().Answers(ProblemCode.NotFound, ProblemCode.Conflict, ProblemCode.DiskFull)
            .WithSummary("Add usage to a task execution's usage");
        tasks.MapGet("/", ListAsync).TakesQuery<TaskListQuery>()
            .WithSummary("List task executions, a page at a time");
    }

    private static async Task<Results<Created<TaskResponse>, Ok<TaskResponse>>> PutAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, HttpRequest request, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("task_exec_id", taskExecId);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new TaskState
        {
            TaskExecId = id,
            WorkflowExecId = body.Id("workflow_exec_id", required: true) ?? string.Empty,
            WorkflowId = body.Id("workflow_id", required: true) ?? string.Empty,
            TaskId = body.Id("task_id", required: true) ?? string.Empty,
            Component = body.Id("component", required: true) ?? string.Empty,
            Status = body.Enum<ExecutionStatus>("status", required: true) ?? default,
            ExecutionType = body.Enum<ExecutionType>("execution_type") ?? ExecutionType.Basic,
            AgentId = body.Id("agent_id"),
            ActionId = body.Id("action_id"),
            ToolId = body.Id("tool_id"),
            ParentStateId = body.Id("parent_state_id"),
            Input = body.Json("input"),
            Output = body.Json("output"),
            Error = body.Json("error"),
            Usage = UsageRequest.ToStored(UsageRequest.Read(body)),
        };
        CheckComponents(body.Problems, state);
        if (state.ParentStateId == id)
        {
            body.Problems.Add("parent_state_id", "names the task itself");
        }

        body.Complete();

        var stored = await tasks.UpsertStateAsync(state, cancellationToken).ConfigureAwait(false);

        var response = TaskResponse.From(stored);
        return stored.CreatedAt == stored.UpdatedAt
            ? TypedResults.Created($"{ApiEndpoints.Prefix}{Path}/{Uri.EscapeDataString(id)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<TaskResponse>> GetAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, ITaskStore tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(TaskResponse.From(await tasks.GetStateAsync(RequestIds.Path("task_exec_id", taskExecId), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ItemsResponse<TaskResponse>>> TreeAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var tree = await tasks.GetTaskTreeAsync(RequestIds.Path("task_exec_id", taskExecId), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsResponse<TaskResponse>(tree.Select(TaskResponse.From).ToList()));
    }

    private static async Task<Ok<ItemsResponse<TaskResponse>>> ChildrenAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("task_exec_id", taskExecId);
        await tasks.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        var children = await tasks.ListChildrenAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsResponse<TaskResponse>(children.Select(TaskResponse.From).ToList()));
    }

    private static async Task<Ok<ChildrenOutputsResponse>> ChildrenOutputsAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("task_exec_id", taskExecId);
        await tasks.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ChildrenOutputsResponse(await tasks.ListChildrenOutputsAsync(id, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<ProgressResponse>> ProgressAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("task_exec_id", taskExecId);
        await tasks.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ProgressResponse.From(await tasks.GetProgressInfoAsync(id, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<TaskResponse>> MergeUsageAsync(
        [FromRoute(Name = "task_exec_id")] string taskExecId, HttpRequest request, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var id = RequestIds.Path("task_exec_id", taskExecId);
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var entries = UsageRequest.Read(body, required: true);
        body.Complete();
        return TypedResults.Ok(TaskResponse.From(await tasks.MergeUsageAsync(id, new UsageSummary(entries!), cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<PageResponse<TaskResponse>>> ListAsync(HttpRequest request, ITaskStore tasks, CancellationToken cancellationToken)
    {
        var query = new QueryRequest(request.Query);
        var filter = new TaskStateFilter
        {
            Status = query.Enum<ExecutionStatus>("status"),
            ExecutionType = query.Enum<ExecutionType>("execution_type"),
            WorkflowId = query.Id("workflow_id"),
            WorkflowExecId = query.Id("workflow_exec_id"),
            TaskId = query.Id("task_id"),
            TaskExecId = query.Id("task_exec_id"),
            ParentStateId = query.Id("parent_state_id"),
            AgentId = query.Id("agent_id"),
            ActionId = query.Id("action_id"),
            ToolId = query.Id("tool_id"),
        };
        var page = query.Page();
        query.Complete();
        var result = await tasks.ListStatesAsync(filter, page, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PageResponse<TaskResponse>(result.Items.Select(TaskResponse.From).ToList(), result.NextCursor));
    }

    /// <summary>Compozy's rule, said before the database's CHECK would refuse it, naming the fields.</summary>
    private static void CheckComponents(RequestProblems problems, TaskState state)
    {
        var agent = state.AgentId is not null;
        var action = state.ActionId is not null;
        var tool = state.ToolId is not null;
        switch (state.ExecutionType)
        {
            case ExecutionType.Basic when tool && (agent || action):
                problems.Add("tool_id", "a basic task runs either an agent action (agent_id and action_id) or a tool (tool_id), not both");
                break;
            case ExecutionType.Basic when agent != action:
                problems.Add(agent ? "action_id" : "agent_id", "a basic task that runs an agent needs both agent_id and action_id");
                break;
            case ExecutionType.Router when agent || action || tool:
                foreach (var field in new[] { ("agent_id", agent), ("action_id", action), ("tool_id", tool) }.Where(pair => pair.Item2).Select(pair => pair.Item1))
                {
                    problems.Add(field, "must not be set: a router task runs no agent, action or tool");
                }

                break;
            default:
                break;
        }
    }
}
