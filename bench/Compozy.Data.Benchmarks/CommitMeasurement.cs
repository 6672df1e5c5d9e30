namespace Compozy.Data.Benchmarks;

/// <summary>One commit-rate scenario over all its measured windows.</summary>
/// <param name="Scenario">Short name used in ratios (<c>fsync</c>, <c>raw FULL</c>, <c>layer NORMAL</c>...).</param>
/// <param name="Path">What performs the commit: <c>fsync</c>, <c>raw</c>, <c>raw-schema</c> or <c>layer</c>.</param>
/// <param name="Synchronous">SQLite's synchronous mode, or <see langword="null"/> for the fsync baseline.</param>
/// <param name="Operations">Commits (or fsyncs) completed in all measured windows together.</param>
/// <param name="Seconds">Total measured time.</param>
/// <param name="PerSecond">Operations per second over all windows together.</param>
/// <param name="P50Microseconds">Median latency of one operation, over all windows.</param>
/// <param name="P99Microseconds">99th percentile latency of one operation, over all windows.</param>
/// <param name="MaxMicroseconds">Slowest operation (WAL auto-checkpoints and other tenants' bursts show up here).</param>
/// <param name="WindowPerSecondMin">Rate of the slowest window: how much the shared machine disturbed the scenario.</param>
/// <param name="WindowPerSecondMedian">Rate of the median window.</param>
/// <param name="WindowPerSecondMax">Rate of the fastest window.</param>
/// <param name="WindowRates">Rate of every window, in the order measured.</param>
internal sealed record CommitMeasurement(
    string Scenario,
    string Path,
    string? Synchronous,
    long Operations,
    double Seconds,
    double PerSecond,
    double P50Microseconds,
    double P99Microseconds,
    double MaxMicroseconds,
    double WindowPerSecondMin,
    double WindowPerSecondMedian,
    double WindowPerSecondMax,
    IReadOnlyList<double> WindowRates);
