namespace Compozy.Data.Benchmarks;

/// <summary>Percentiles of latency samples (nearest rank), for the knowledge-search tables.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>th percentile of <paramref name="samples"/> by nearest rank (p50 of 2 samples is the first).</summary>
    public static double Of(IReadOnlyList<double> samples, double percent)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Microseconds between two <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> readings.</summary>
    public static double Microseconds(long start, long end) =>
        (end - start) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
}
