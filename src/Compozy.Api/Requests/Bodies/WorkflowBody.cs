using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A workflow execution to store, replacing the stored one (<c>PUT /workflows/{workflow_exec_id}</c>).</summary>
/// <remarks>
/// Describes the body for the OpenAPI document only: the endpoint reads it with
/// <see cref="JsonRequest"/>, which names every bad field at once.
/// </remarks>
internal sealed class WorkflowBody
{
    /// <summary>The workflow this is an execution of (an id: 1 to 256 characters).</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The execution's status.</summary>
    public required ExecutionStatus Status { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Any JSON value.</summary>
    public JsonElement? Error { get; init; }

    /// <summary>Usage entries, merged by provider, model and source before they are stored.</summary>
    public IReadOnlyList<UsageEntry>? Usage { get; init; }
}
