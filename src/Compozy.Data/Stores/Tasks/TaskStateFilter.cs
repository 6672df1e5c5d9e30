using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Tasks;

/// <summary>Which task states a listing returns: every field that is set must match exactly.</summary>
public sealed record TaskStateFilter
{
    /// <summary>Only states in this status.</summary>
    public ExecutionStatus? Status { get; init; }

    /// <summary>Only tasks of executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only tasks of this workflow execution.</summary>
    public string? WorkflowExecId { get; init; }

    /// <summary>Only executions of this task.</summary>
    public string? TaskId { get; init; }

    /// <summary>Only this task execution.</summary>
    public string? TaskExecId { get; init; }

    /// <summary>Only children of this task execution.</summary>
    public string? ParentStateId { get; init; }

    /// <summary>Only tasks run by this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only tasks running this agent action.</summary>
    public string? ActionId { get; init; }

    /// <summary>Only tasks run by this tool.</summary>
    public string? ToolId { get; init; }

    /// <summary>Only tasks of this execution type.</summary>
    public ExecutionType? ExecutionType { get; init; }
}
