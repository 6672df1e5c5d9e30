using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Responses;

/// <summary>
/// The LLM usage of a workflow execution summed over its rows; <see cref="Provider"/> and
/// <see cref="Model"/> are <c>mixed</c> when the rows name more than one pair.
/// </summary>
public sealed record UsageTotalsResponse(
    string WorkflowExecId,
    string Provider,
    string Model,
    long PromptTokens,
    long CompletionTokens,
    long TotalTokens,
    long? ReasoningTokens,
    long? CachedPromptTokens,
    long? InputAudioTokens,
    long? OutputAudioTokens,
    int Rows,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The response of a summary.</summary>
    public static UsageTotalsResponse From(UsageTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return new(
            totals.WorkflowExecId, totals.Provider, totals.Model, totals.PromptTokens, totals.CompletionTokens, totals.TotalTokens, totals.ReasoningTokens,
            totals.CachedPromptTokens, totals.InputAudioTokens, totals.OutputAudioTokens, totals.Rows, totals.CreatedAt, totals.UpdatedAt);
    }
}
