using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Stores.Workflows;

namespace Compozy.Api.Responses;

/// <summary>A workflow state as the API shows it; <see cref="Tasks"/> only where the endpoint reads them.</summary>
public sealed record WorkflowResponse(
    string WorkflowExecId,
    string WorkflowId,
    ExecutionStatus Status,
    JsonElement? Usage,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyDictionary<string, TaskResponse>? Tasks)
{
    /// <summary>The response of a stored workflow state, without its tasks.</summary>
    public static WorkflowResponse From(WorkflowState workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return new(
            workflow.WorkflowExecId, workflow.WorkflowId, workflow.Status, workflow.Usage, workflow.Input, workflow.Output, workflow.Error,
            workflow.CreatedAt, workflow.UpdatedAt, Tasks: null);
    }

    /// <summary>The response of a workflow with the map of its tasks by task id.</summary>
    public static WorkflowResponse From(WorkflowSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return From(snapshot.State) with
        {
            Tasks = snapshot.Tasks.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => TaskResponse.From(pair.Value), StringComparer.Ordinal),
        };
    }
}
