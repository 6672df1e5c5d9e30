using System.Numerics.Tensors;
using Compozy.Data.Knowledge;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// A query vector prepared for one metric, and how it scores a stored row.
/// </summary>
/// <remarks>
/// <para>Rows are ranked by a key where higher is closer: the cosine similarity, the dot product,
/// or the negated L2 distance. Products and distances are summed in float32 by
/// <see cref="TensorPrimitives"/> (SIMD); the cosine's division is done in double. The kernels
/// give the same result for the same values wherever a row sits in memory, so identical
/// embeddings always tie exactly and the tie goes to the smaller chunk id.</para>
/// <para>The cosine similarity with a zero vector (stored or queried) is defined as 0: the angle
/// is undefined, and 0 ("unrelated") ranks such chunks in the middle instead of failing or
/// dropping them.</para>
/// </remarks>
internal sealed class EmbeddedQuery
{
    private readonly float[] _vector;
    private readonly double _norm;

    public EmbeddedQuery(ReadOnlySpan<float> vector, VectorMetric metric)
    {
        _vector = vector.ToArray();
        _norm = NormOf(_vector);
        Metric = metric;
    }

    public VectorMetric Metric { get; }

    public int Dimension => _vector.Length;

    /// <summary>The Euclidean norm a cosine search divides by, computed the same way for rows and queries.</summary>
    public static double NormOf(ReadOnlySpan<float> row) => Math.Sqrt(TensorPrimitives.Dot(row, row));

    /// <summary>The contract's score for a rank key: the similarity, or the distance for L2.</summary>
    public static double ScoreOf(VectorMetric metric, double rankKey) => metric switch
    {
        VectorMetric.L2 => -rankKey,

        // Rounding can leave a cosine a hair outside [-1, 1]; the contract promises the range.
        VectorMetric.Cosine => Math.Clamp(rankKey, -1, 1),
        _ => rankKey,
    };

    /// <summary>How close <paramref name="row"/> is: higher is closer. <paramref name="rowNorm"/> is <see cref="NormOf"/> of the row.</summary>
    public double RankKey(ReadOnlySpan<float> row, double rowNorm)
    {
        double key = Metric switch
        {
            VectorMetric.Cosine => _norm == 0 || rowNorm == 0 ? 0 : TensorPrimitives.Dot(_vector, row) / (_norm * rowNorm),
            VectorMetric.Dot => TensorPrimitives.Dot(_vector, row),
            _ => -(double)TensorPrimitives.Distance(_vector, row),
        };

        // Only float overflow (values near 1e19 and beyond) gives NaN; such a row ranks last.
        return double.IsNaN(key) ? double.NegativeInfinity : key;
    }
}
