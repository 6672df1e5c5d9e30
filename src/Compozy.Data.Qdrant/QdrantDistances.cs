using Compozy.Data.Knowledge;

namespace Compozy.Data.Qdrant;

/// <summary>Qdrant's <c>Distance</c> names for the metrics, and what its scores mean.</summary>
internal static class QdrantDistances
{
    public static string NameOf(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => "Cosine",
        VectorMetric.L2 => "Euclid",
        VectorMetric.Dot => "Dot",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "no Qdrant distance for this metric"),
    };

    /// <summary>
    /// The contract's score from Qdrant's. Cosine: Qdrant normalises vectors and returns their dot
    /// product, the cosine similarity. Dot: the dot product. Euclid: current servers return the
    /// distance itself (they post-process their internal negated square); the absolute value also
    /// reads servers from before that change, which returned the negated distance.
    /// </summary>
    public static double ScoreOf(VectorMetric metric, double qdrantScore) =>
        metric == VectorMetric.L2 ? Math.Abs(qdrantScore) : qdrantScore;
}
