using System.Text.Json.Serialization;

namespace Compozy.Data.Stores.Usage;

/// <summary>
/// Token usage of one provider and model, as kept in the <c>usage</c> JSON array of workflow and
/// task states (Compozy's shape). Entries merge by provider, model and source.
/// </summary>
public sealed record UsageEntry
{
    /// <summary>The LLM provider, for example <c>openai</c>.</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The model name.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>Tokens of the prompts.</summary>
    [JsonPropertyName("prompt_tokens")]
    public long PromptTokens { get; init; }

    /// <summary>Tokens of the completions.</summary>
    [JsonPropertyName("completion_tokens")]
    public long CompletionTokens { get; init; }

    /// <summary>When 0, prompt plus completion tokens.</summary>
    [JsonPropertyName("total_tokens")]
    public long TotalTokens { get; init; }

    /// <summary>Reasoning tokens, when the provider reports them.</summary>
    [JsonPropertyName("reasoning_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ReasoningTokens { get; init; }

    /// <summary>Prompt tokens served from the provider's cache, when reported.</summary>
    [JsonPropertyName("cached_prompt_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CachedPromptTokens { get; init; }

    /// <summary>Audio input tokens, when reported.</summary>
    [JsonPropertyName("input_audio_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? InputAudioTokens { get; init; }

    /// <summary>Audio output tokens, when reported.</summary>
    [JsonPropertyName("output_audio_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OutputAudioTokens { get; init; }

    /// <summary>The agents whose calls this entry counts, sorted, without duplicates.</summary>
    [JsonPropertyName("agent_ids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? AgentIds { get; init; }

    /// <summary>The earliest capture merged into this entry.</summary>
    [JsonPropertyName("captured_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? CapturedAt { get; init; }

    /// <summary>The latest capture merged into this entry.</summary>
    [JsonPropertyName("updated_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? UpdatedAt { get; init; }

    /// <summary><c>task</c> or <c>workflow</c>; entries of different sources are kept apart.</summary>
    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }
}
