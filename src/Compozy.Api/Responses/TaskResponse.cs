using System.Text.Json;
using Compozy.Data.Entities;

namespace Compozy.Api.Responses;

/// <summary>A task state as the API shows it.</summary>
public sealed record TaskResponse(
    string TaskExecId,
    string TaskId,
    string WorkflowExecId,
    string WorkflowId,
    string Component,
    ExecutionStatus Status,
    ExecutionType ExecutionType,
    string? AgentId,
    string? ActionId,
    string? ToolId,
    string? ParentStateId,
    JsonElement? Usage,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The response of a stored task state.</summary>
    public static TaskResponse From(TaskState task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(
            task.TaskExecId, task.TaskId, task.WorkflowExecId, task.WorkflowId, task.Component, task.Status, task.ExecutionType,
            task.AgentId, task.ActionId, task.ToolId, task.ParentStateId, task.Usage, task.Input, task.Output, task.Error, task.CreatedAt, task.UpdatedAt);
    }
}
