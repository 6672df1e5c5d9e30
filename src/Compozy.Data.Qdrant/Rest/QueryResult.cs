namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>QueryResponse</c>: the hits, best first.</summary>
internal sealed class QueryResult
{
    public IReadOnlyList<ScoredPointResult>? Points { get; set; }
}
