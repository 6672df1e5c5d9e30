using System.ComponentModel.DataAnnotations;
using Compozy.Data.Entities;
using Compozy.Data.Stores;

namespace Compozy.Api.Requests;

/// <summary>The query parameters of <c>GET /workflows</c>, each optional; the filters combine.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads them with <see cref="QueryRequest"/>.</remarks>
internal sealed class WorkflowListQuery
{
    /// <summary>Only executions with this status.</summary>
    public ExecutionStatus? Status { get; init; }

    /// <summary>Only executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only this execution.</summary>
    public string? WorkflowExecId { get; init; }

    /// <summary>The page size; 100 when left out.</summary>
    [Range(1, PageRequest.MaxLimit)]
    public int? Limit { get; init; }

    /// <summary>The <c>next_cursor</c> of the previous page.</summary>
    public string? After { get; init; }
}
