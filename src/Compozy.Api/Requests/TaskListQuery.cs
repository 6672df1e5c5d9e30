using System.ComponentModel.DataAnnotations;
using Compozy.Data.Entities;
using Compozy.Data.Stores;

namespace Compozy.Api.Requests;

/// <summary>The query parameters of <c>GET /tasks</c>, each optional; the filters combine.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads them with <see cref="QueryRequest"/>.</remarks>
internal sealed class TaskListQuery
{
    /// <summary>Only tasks with this status.</summary>
    public ExecutionStatus? Status { get; init; }

    /// <summary>Only tasks of this execution type.</summary>
    public ExecutionType? ExecutionType { get; init; }

    /// <summary>Only tasks of executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only tasks of this workflow execution.</summary>
    public string? WorkflowExecId { get; init; }

    /// <summary>Only executions of this task.</summary>
    public string? TaskId { get; init; }

    /// <summary>Only this task execution.</summary>
    public string? TaskExecId { get; init; }

    /// <summary>Only direct children of this task execution.</summary>
    public string? ParentStateId { get; init; }

    /// <summary>Only tasks run by this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only tasks running this action.</summary>
    public string? ActionId { get; init; }

    /// <summary>Only tasks running this tool.</summary>
    public string? ToolId { get; init; }

    /// <summary>The page size; 100 when left out.</summary>
    [Range(1, PageRequest.MaxLimit)]
    public int? Limit { get; init; }

    /// <summary>The <c>next_cursor</c> of the previous page.</summary>
    public string? After { get; init; }
}
