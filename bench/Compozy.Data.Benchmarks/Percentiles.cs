namespace Compozy.Data.Benchmarks;

/// <summary>Percentiles of latency samples (nearest rank), and the median of a few runs.</summary>
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

    /// <summary>The middle value of <paramref name="samples"/>, or the mean of the two middle ones when their count is even.</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Microseconds between two <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> readings.</summary>
    public static double Microseconds(long start, long end) =>
        (end - start) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
}
