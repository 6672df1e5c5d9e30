namespace Compozy.Data.Stores.Usage;

/// <summary>
/// The LLM usage of a workflow execution summed over its components and tasks (Compozy's
/// <c>SummarizeByWorkflowExecID</c>). Provider and model are <c>mixed</c> when the rows name
/// more than one provider and model pair.
/// </summary>
public sealed record UsageTotals(
    string WorkflowExecId,
    string Provider,
    string Model,
    int PromptTokens,
    int CompletionTokens,
    int TotalTokens,
    int? ReasoningTokens,
    int? CachedPromptTokens,
    int? InputAudioTokens,
    int? OutputAudioTokens,
    int Rows,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The provider and model of a summary over more than one provider and model pair.</summary>
    public const string Mixed = "mixed";
}
