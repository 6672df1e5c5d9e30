using Compozy.Data.Knowledge;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>Qdrant's <see cref="Distance"/> for each metric, and what its scores mean.</summary>
internal static class QdrantDistances
{
    public static Distance Of(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => Distance.Cosine,
        VectorMetric.L2 => Distance.Euclid,
        VectorMetric.Dot => Distance.Dot,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "no Qdrant distance for this metric"),
    };

    /// <summary>
    /// The contract's score from Qdrant's. Cosine: Qdrant normalises vectors and returns their dot
    /// product, the cosine similarity. Dot: the dot product. Euclid: current servers return the
    /// distance itself (they post-process their internal negated square); the absolute value also
    /// reads servers from before that change, which returned the negated distance.
    /// </summary>
    public static double ScoreOf(VectorMetric metric, float qdrantScore) =>
        metric == VectorMetric.L2 ? Math.Abs(qdrantScore) : qdrantScore;
}
