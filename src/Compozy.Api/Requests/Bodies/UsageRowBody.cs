using System.ComponentModel.DataAnnotations;

namespace Compozy.Api.Requests.Bodies;

/// <summary>
/// The LLM usage of one execution and component, replacing the stored row (<c>PUT /usage</c>).
/// Exactly one of <see cref="WorkflowExecId"/> and <see cref="TaskExecId"/> is set.
/// </summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class UsageRowBody
{
    /// <summary>The workflow execution the usage is of; it must exist.</summary>
    public string? WorkflowExecId { get; init; }

    /// <summary>The task execution the usage is of; it must exist.</summary>
    public string? TaskExecId { get; init; }

    /// <summary>The component that used the model.</summary>
    public required string Component { get; init; }

    /// <summary>The agent that used the model.</summary>
    public string? AgentId { get; init; }

    /// <summary>The LLM provider, for example <c>openai</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The model.</summary>
    public required string Model { get; init; }

    /// <summary>Tokens of the prompts; 0 when left out.</summary>
    [Range(0, long.MaxValue)]
    public long? PromptTokens { get; init; }

    /// <summary>Tokens of the completions; 0 when left out.</summary>
    [Range(0, long.MaxValue)]
    public long? CompletionTokens { get; init; }

    /// <summary>All tokens; 0 when left out.</summary>
    [Range(0, long.MaxValue)]
    public long? TotalTokens { get; init; }

    /// <summary>Reasoning tokens, when the provider reports them.</summary>
    [Range(0, long.MaxValue)]
    public long? ReasoningTokens { get; init; }

    /// <summary>Prompt tokens served from the provider's cache, when reported.</summary>
    [Range(0, long.MaxValue)]
    public long? CachedPromptTokens { get; init; }

    /// <summary>Audio input tokens, when reported.</summary>
    [Range(0, long.MaxValue)]
    public long? InputAudioTokens { get; init; }

    /// <summary>Audio output tokens, when reported.</summary>
    [Range(0, long.MaxValue)]
    public long? OutputAudioTokens { get; init; }
}
