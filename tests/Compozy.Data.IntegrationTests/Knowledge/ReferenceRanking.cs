using Compozy.Data.Knowledge;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// Brute-force nearest neighbours in double precision, written independently of the stores'
/// kernels: the ground truth every search is checked against. Ties go to the smaller id (ordinal),
/// and the cosine with a zero vector is 0, as the embedded store promises.
/// </summary>
internal static class ReferenceRanking
{
    public static double Score(VectorMetric metric, ReadOnlySpan<float> query, ReadOnlySpan<float> row)
    {
        double dot = 0, queryNorm = 0, rowNorm = 0, squared = 0;
        for (var index = 0; index < query.Length; index++)
        {
            double left = query[index], right = row[index];
            dot += left * right;
            queryNorm += left * left;
            rowNorm += right * right;
            squared += (left - right) * (left - right);
        }

        return metric switch
        {
            VectorMetric.Cosine => queryNorm == 0 || rowNorm == 0 ? 0 : dot / (Math.Sqrt(queryNorm) * Math.Sqrt(rowNorm)),
            VectorMetric.Dot => dot,
            _ => Math.Sqrt(squared),
        };
    }

    /// <summary>Whether <paramref name="score"/> is closer than <paramref name="other"/> under <paramref name="metric"/>.</summary>
    public static bool IsCloser(VectorMetric metric, double score, double other) =>
        metric == VectorMetric.L2 ? score < other : score > other;

    /// <summary>Every row that passes <paramref name="keep"/>, best first.</summary>
    public static List<RankedRow> Rank(VectorMetric metric, IEnumerable<DatasetRow> rows, ReadOnlySpan<float> query, Func<DatasetRow, bool>? keep = null)
    {
        var ranked = new List<RankedRow>();
        foreach (var row in rows)
        {
            if (keep is null || keep(row))
            {
                ranked.Add(new RankedRow(row.Id, Score(metric, query, row.Embedding)));
            }
        }

        ranked.Sort((left, right) =>
            left.Score == right.Score ? string.CompareOrdinal(left.Id, right.Id)
            : IsCloser(metric, left.Score, right.Score) ? -1 : 1);
        return ranked;
    }
}
