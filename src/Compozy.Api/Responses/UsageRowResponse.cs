using Compozy.Data.Entities;

namespace Compozy.Api.Responses;

/// <summary>One LLM usage row of an execution and component.</summary>
public sealed record UsageRowResponse(
    long Id,
    string? WorkflowExecId,
    string? TaskExecId,
    string Component,
    string? AgentId,
    string Provider,
    string Model,
    long PromptTokens,
    long CompletionTokens,
    long TotalTokens,
    long? ReasoningTokens,
    long? CachedPromptTokens,
    long? InputAudioTokens,
    long? OutputAudioTokens,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The response of a stored row.</summary>
    public static UsageRowResponse From(ExecutionLlmUsage row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.Id, row.WorkflowExecId, row.TaskExecId, row.Component, row.AgentId, row.Provider, row.Model, row.PromptTokens, row.CompletionTokens,
            row.TotalTokens, row.ReasoningTokens, row.CachedPromptTokens, row.InputAudioTokens, row.OutputAudioTokens, row.CreatedAt, row.UpdatedAt);
    }
}
