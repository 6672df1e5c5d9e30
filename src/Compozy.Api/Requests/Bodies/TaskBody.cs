using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A task execution to store, replacing the stored one (<c>PUT /tasks/{task_exec_id}</c>).</summary>
/// <remarks>
/// For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>. A
/// <c>basic</c> task runs an agent action (<c>agent_id</c> and <c>action_id</c>), a tool
/// (<c>tool_id</c>) or neither; a <c>router</c> runs none.
/// </remarks>
internal sealed class TaskBody
{
    /// <summary>The workflow execution the task belongs to; it must exist.</summary>
    public required string WorkflowExecId { get; init; }

    /// <summary>The workflow the execution runs.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The task of the workflow this is an execution of.</summary>
    public required string TaskId { get; init; }

    /// <summary>The component that runs it.</summary>
    public required string Component { get; init; }

    /// <summary>The execution's status.</summary>
    public required ExecutionStatus Status { get; init; }

    /// <summary>The kind of task; <c>basic</c> when left out.</summary>
    public ExecutionType? ExecutionType { get; init; }

    /// <summary>The agent a basic task runs, with <c>action_id</c>.</summary>
    public string? AgentId { get; init; }

    /// <summary>The agent's action a basic task runs, with <c>agent_id</c>.</summary>
    public string? ActionId { get; init; }

    /// <summary>The tool a basic task runs, instead of an agent action.</summary>
    public string? ToolId { get; init; }

    /// <summary>The parent task execution, of the same workflow execution; it must exist and not be the task or one of its descendants.</summary>
    public string? ParentStateId { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Error { get; init; }

    /// <summary>Usage entries, merged by provider, model and source before they are stored.</summary>
    public IReadOnlyList<UsageEntry>? Usage { get; init; }
}
