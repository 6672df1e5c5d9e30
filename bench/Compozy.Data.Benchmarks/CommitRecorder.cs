using System.Diagnostics;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Times every commit of one scenario across all its measured windows, back to back inside a
/// window (the time between two timestamps is one commit, nothing is lost between them).
/// </summary>
internal sealed class CommitRecorder(CommitScenario scenario)
{
    private readonly List<long> _latencies = new(1 << 20);
    private readonly List<double> _windowRates = [];
    private long _measuredTicks;

    public CommitScenario Scenario => scenario;

    /// <summary>Runs commits, untimed, for <paramref name="duration"/>: JIT, first-open costs, WAL file growth.</summary>
    public async Task WarmUpAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + Ticks(duration);
        while (Stopwatch.GetTimestamp() < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await scenario.CommitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs and times commits for one window of <paramref name="duration"/>.</summary>
    public async Task RecordWindowAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + Ticks(duration);
        var now = start;
        var commits = 0;
        while (now < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await scenario.CommitAsync().ConfigureAwait(false);
            var after = Stopwatch.GetTimestamp();
            _latencies.Add(after - now);
            now = after;
            commits++;
        }

        _measuredTicks += now - start;
        _windowRates.Add(commits / ((now - start) / (double)Stopwatch.Frequency));
    }

    public CommitMeasurement ToMeasurement()
    {
        var sorted = _latencies.Order().ToList();
        var rates = _windowRates.Order().ToList();
        var seconds = _measuredTicks / (double)Stopwatch.Frequency;
        return new CommitMeasurement(
            scenario.Name,
            scenario.Path,
            scenario.Synchronous,
            sorted.Count,
            seconds,
            sorted.Count / seconds,
            Microseconds(Percentile(sorted, 0.50)),
            Microseconds(Percentile(sorted, 0.99)),
            Microseconds(sorted[^1]),
            rates[0],
            rates[(rates.Count - 1) / 2],
            rates[^1],
            _windowRates.ToList());
    }

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    // Nearest-rank percentile of sorted values.
    private static long Percentile(List<long> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
