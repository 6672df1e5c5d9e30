namespace Compozy.Data.Configuration;

/// <summary>Distance metric names accepted in <c>knowledge.vector_dbs[].metric</c>.</summary>
public static class VectorMetrics
{
    /// <summary>Cosine distance (1 - cosine similarity).</summary>
    public const string Cosine = "cosine";

    /// <summary>Euclidean (L2) distance.</summary>
    public const string L2 = "l2";

    /// <summary>Negative inner (dot) product.</summary>
    public const string Dot = "dot";

    /// <summary>Every metric name.</summary>
    public static IReadOnlyList<string> All { get; } = [Cosine, L2, Dot];
}
