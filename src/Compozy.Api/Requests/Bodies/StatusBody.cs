using Compozy.Data.Entities;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A workflow execution's new status (<c>PUT /workflows/{workflow_exec_id}/status</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class StatusBody
{
    /// <summary>The new status.</summary>
    public required ExecutionStatus Status { get; init; }
}
