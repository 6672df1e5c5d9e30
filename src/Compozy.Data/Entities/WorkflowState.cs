using System.Text.Json;

namespace Compozy.Data.Entities;

/// <summary>
/// One execution of a workflow (<c>workflow_states</c>). JSON payloads are kept as
/// <see cref="JsonElement"/> so that only well-formed JSON can reach the database.
/// </summary>
public sealed class WorkflowState
{
    /// <summary>Execution id (primary key).</summary>
    public required string WorkflowExecId { get; set; }

    /// <summary>Id of the workflow definition this execution runs.</summary>
    public required string WorkflowId { get; set; }

    /// <summary>Current status.</summary>
    public ExecutionStatus Status { get; set; }

    /// <summary>LLM usage entries (a JSON array), or <see langword="null"/>.</summary>
    public JsonElement? Usage { get; set; }

    /// <summary>Input of the execution.</summary>
    public JsonElement? Input { get; set; }

    /// <summary>Output of the execution.</summary>
    public JsonElement? Output { get; set; }

    /// <summary>Error of a failed execution.</summary>
    public JsonElement? Error { get; set; }

    /// <summary>Creation time, UTC, microsecond precision on both providers.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last update time, UTC, microsecond precision on both providers.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Tasks of this execution; deleted with it.</summary>
    public ICollection<TaskState> Tasks { get; } = new List<TaskState>();
}
