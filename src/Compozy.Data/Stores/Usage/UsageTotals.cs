namespace Compozy.Data.Stores.Usage;

/// <summary>
/// The LLM usage of a workflow execution summed over its components and tasks (Compozy's
/// <c>SummarizeByWorkflowExecID</c>). Provider and model are <c>mixed</c> when the rows name
/// more than one provider and model pair. The sums are 64-bit, like the counts they add.
/// </summary>
public sealed record UsageTotals(
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
    /// <summary>The provider and model of a summary over more than one provider and model pair.</summary>
    public const string Mixed = "mixed";
}
