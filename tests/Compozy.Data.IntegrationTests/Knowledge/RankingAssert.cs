using Compozy.Data.Knowledge;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// Compares a store's results with the double-precision reference. Stores sum in float32, so
/// scores are compared within a tolerance, and ids strictly wherever the reference's scores are
/// apart by more than the tolerance; rows whose reference scores are exactly equal (duplicate
/// embeddings, the zero vector under cosine) are true ties and must come in id order.
/// </summary>
internal static class RankingAssert
{
    /// <summary>Float32 accumulation over up to a few hundred values of magnitude ~1, with room to spare.</summary>
    public static double Tolerance(double score) => 2e-4 * Math.Max(1, Math.Abs(score));

    /// <summary>
    /// <paramref name="actual"/> is the top <paramref name="k"/> of <paramref name="reference"/>.
    /// Without <paramref name="strictTies"/>, rows of exactly equal score may come in any order
    /// (PostgreSQL's ORDER BY distance does not order ties).
    /// </summary>
    public static void ShouldBeTopK(IReadOnlyList<VectorSearchResult> actual, List<RankedRow> reference, int k, string context, bool strictTies = true)
    {
        var expectedCount = Math.Min(k, reference.Count);
        actual.Count.ShouldBe(expectedCount, context);
        var scoreOf = reference.ToDictionary(row => row.Id, row => row.Score, StringComparer.Ordinal);
        actual.Select(result => result.Id).Distinct().Count().ShouldBe(actual.Count, $"{context}: an id is returned twice");
        for (var position = 0; position < expectedCount; position++)
        {
            var expected = reference[position];
            var result = actual[position];
            var tolerance = Tolerance(expected.Score);
            var where = $"{context}, position {position}: expected {expected.Id} ({expected.Score:R}), got {result.Id} ({result.Score:R})";
            Math.Abs(result.Score - expected.Score).ShouldBeLessThanOrEqualTo(tolerance, where);
            scoreOf.ContainsKey(result.Id).ShouldBeTrue($"{where}: not a candidate (does it pass the filter?)");
            Math.Abs(scoreOf[result.Id] - expected.Score).ShouldBeLessThanOrEqualTo(tolerance, $"{where}: its true score is {scoreOf[result.Id]:R}");

            var nearTie = Neighbours(reference, position).Any(other => other.Score != expected.Score && Math.Abs(other.Score - expected.Score) <= 2 * tolerance);
            var exactTie = Neighbours(reference, position).Any(other => other.Score == expected.Score);
            if (!nearTie && (strictTies || !exactTie))
            {
                result.Id.ShouldBe(expected.Id, where);
            }
        }

        if (!strictTies)
        {
            // Ties may come in any order, but the set of the top k is still the reference's up to ties at the cut.
            var cut = reference[expectedCount - 1].Score;
            var surely = reference.Take(expectedCount).Where(row => Math.Abs(row.Score - cut) > 2 * Tolerance(cut)).Select(row => row.Id);
            var returned = actual.Select(result => result.Id).ToHashSet(StringComparer.Ordinal);
            surely.Where(id => !returned.Contains(id)).ShouldBeEmpty($"{context}: missing from the top {k}");
        }
    }

    /// <summary>
    /// The share of the reference's top <paramref name="k"/> found, counting a result as found when
    /// its true score is at least as close as the reference's k-th (so ties at the cut count either way).
    /// </summary>
    public static double Recall(VectorMetric metric, IReadOnlyList<VectorSearchResult> actual, List<RankedRow> reference, int k)
    {
        var expectedCount = Math.Min(k, reference.Count);
        if (expectedCount == 0)
        {
            return 1;
        }

        var cut = reference[expectedCount - 1].Score;
        var scoreOf = reference.ToDictionary(row => row.Id, row => row.Score, StringComparer.Ordinal);
        var found = actual.Take(expectedCount).Count(result =>
            scoreOf.TryGetValue(result.Id, out var score)
            && (ReferenceRanking.IsCloser(metric, score, cut) || Math.Abs(score - cut) <= Tolerance(cut)));
        return (double)found / expectedCount;
    }

    private static IEnumerable<RankedRow> Neighbours(List<RankedRow> reference, int position)
    {
        // The reference is sorted, so the rows nearest in score are the adjacent ones; a few each side cover runs of ties.
        for (var index = Math.Max(0, position - 3); index < Math.Min(reference.Count, position + 4); index++)
        {
            if (index != position)
            {
                yield return reference[index];
            }
        }
    }
}
