namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>QueryRequest</c> (<c>POST /collections/{name}/points/query</c>): a nearest-neighbour query.</summary>
internal sealed class QueryBody
{
    /// <summary>The query vector (the <c>VectorInput</c> form of <c>QueryInterface</c>).</summary>
    public required float[] Query { get; init; }

    public required FilterBody Filter { get; init; }

    public required int Limit { get; init; }

    public bool WithPayload { get; init; } = true;

    public bool WithVector { get; init; }
}
