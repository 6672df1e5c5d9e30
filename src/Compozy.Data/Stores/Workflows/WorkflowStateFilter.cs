using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Workflows;

/// <summary>Which workflow states a listing returns: every field that is set must match exactly.</summary>
public sealed record WorkflowStateFilter
{
    /// <summary>Only executions in this status.</summary>
    public ExecutionStatus? Status { get; init; }

    /// <summary>Only executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only this execution.</summary>
    public string? WorkflowExecId { get; init; }
}
