namespace Compozy.Data.Configuration;

/// <summary>One entry of <c>knowledge.vector_dbs</c>.</summary>
public sealed class VectorDatabaseOptions
{
    /// <summary>Position in the list, for error messages (<c>knowledge.vector_dbs[2]</c>).</summary>
    public int Index { get; init; }

    /// <summary>Unique id that knowledge bases refer to.</summary>
    public required string Id { get; init; }

    /// <summary>Provider name, for example <c>pgvector</c> or <c>qdrant</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>Server URL (Qdrant).</summary>
    public Uri? Url { get; init; }

    /// <summary>Local path, for providers that keep files.</summary>
    public string? Path { get; init; }

    /// <summary>Embedding dimension; greater than zero.</summary>
    public int Dimension { get; init; }

    /// <summary>Distance metric: <c>cosine</c> (default), <c>l2</c> or <c>dot</c>.</summary>
    public string Metric { get; init; } = VectorMetrics.Cosine;

    /// <summary>Provider-specific options, as strings.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
