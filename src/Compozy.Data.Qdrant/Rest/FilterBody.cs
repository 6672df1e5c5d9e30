namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>Filter</c> with only <c>must</c>: every condition must hold.</summary>
internal sealed class FilterBody
{
    public required IReadOnlyList<ConditionBody> Must { get; init; }
}
