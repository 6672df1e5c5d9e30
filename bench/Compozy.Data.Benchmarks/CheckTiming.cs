namespace Compozy.Data.Benchmarks;

/// <summary>Repeated timings of one startup-check measurement in one page-cache state.</summary>
/// <param name="Measurement">What was timed (<c>sequential read</c>, <c>raw quick_check</c>, <c>layer QUICK</c>...).</param>
/// <param name="Cache"><c>warm</c> (the file in the page cache, as when a process restarts) or <c>cold</c> (evicted first, as after a reboot).</param>
/// <param name="RunsMilliseconds">Every run, in order.</param>
/// <param name="MinMilliseconds">Fastest run.</param>
/// <param name="MedianMilliseconds">Median run.</param>
/// <param name="OverRead">Median over the median sequential read of the file in the same cache state (1 for the read itself).</param>
internal sealed record CheckTiming(
    string Measurement,
    string Cache,
    IReadOnlyList<double> RunsMilliseconds,
    double MinMilliseconds,
    double MedianMilliseconds,
    double OverRead);
