using System.Text.Json;

namespace Compozy.Data.Entities;

/// <summary>
/// One execution of a task (<c>task_states</c>). A <see cref="ExecutionType.Basic"/> task carries
/// an agent and an action, or a tool, or neither; a <see cref="ExecutionType.Router"/> carries
/// none. The database rejects any other combination.
/// </summary>
public sealed class TaskState
{
    /// <summary>Task execution id (primary key).</summary>
    public required string TaskExecId { get; set; }

    /// <summary>Id of the task definition.</summary>
    public required string TaskId { get; set; }

    /// <summary>Component kind that ran the task (for example <c>task</c>, <c>agent</c>, <c>tool</c>).</summary>
    public required string Component { get; set; }

    /// <summary>Current status.</summary>
    public ExecutionStatus Status { get; set; }

    /// <summary>Owning workflow execution; deleting it deletes this task.</summary>
    public required string WorkflowExecId { get; set; }

    /// <summary>Id of the owning workflow definition.</summary>
    public required string WorkflowId { get; set; }

    /// <summary>Execution type; <see cref="ExecutionType.Basic"/> by default.</summary>
    public ExecutionType ExecutionType { get; set; } = ExecutionType.Basic;

    /// <summary>LLM usage entries (a JSON array), or <see langword="null"/>.</summary>
    public JsonElement? Usage { get; set; }

    /// <summary>Agent that ran the task, with <see cref="ActionId"/>.</summary>
    public string? AgentId { get; set; }

    /// <summary>Tool that ran the task.</summary>
    public string? ToolId { get; set; }

    /// <summary>Agent action that ran the task, with <see cref="AgentId"/>.</summary>
    public string? ActionId { get; set; }

    /// <summary>Parent task execution; deleting the parent deletes this task.</summary>
    public string? ParentStateId { get; set; }

    /// <summary>Input of the task.</summary>
    public JsonElement? Input { get; set; }

    /// <summary>Output of the task.</summary>
    public JsonElement? Output { get; set; }

    /// <summary>Error of a failed task.</summary>
    public JsonElement? Error { get; set; }

    /// <summary>Creation time, UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last update time, UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Owning workflow execution.</summary>
    public WorkflowState? Workflow { get; set; }

    /// <summary>Parent task, when this is a child.</summary>
    public TaskState? Parent { get; set; }

    /// <summary>Child tasks.</summary>
    public ICollection<TaskState> Children { get; } = new List<TaskState>();
}
