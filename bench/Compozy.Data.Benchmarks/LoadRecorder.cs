using System.Diagnostics;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Runs one <see cref="LoadScenario"/> in windows: its callers start together, each runs
/// operations back to back until the window's deadline, and the window ends when the last one
/// returns. Every operation is timed from its call to its return, so a write's latency includes
/// its wait in the writer's queue and its batch's commit.
/// </summary>
internal sealed class LoadRecorder(LoadScenario scenario)
{
    private readonly List<long> _latencies = new(1 << 16);
    private readonly List<double> _windowRates = [];
    private readonly List<long> _batches = [];
    private readonly List<double> _queueWaits = [];
    private long _measuredTicks;
    private long _errors;
    private long _busy;
    private string? _firstError;

    public LoadScenario Scenario => scenario;

    /// <summary>Runs the scenario, untimed, for <paramref name="duration"/>: JIT, pools, first-open costs, WAL growth.</summary>
    public async Task WarmUpAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await RunAsync(duration, cancellationToken).ConfigureAwait(false);
        scenario.Meter?.Reset();
    }

    /// <summary>Runs and times one window of <paramref name="duration"/>.</summary>
    public async Task RecordWindowAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        scenario.Meter?.Reset();
        var (start, end, workers) = await RunAsync(duration, cancellationToken).ConfigureAwait(false);
        var completed = 0L;
        foreach (var worker in workers)
        {
            _latencies.AddRange(worker.Latencies);
            completed += worker.Latencies.Count;
            _errors += worker.Errors;
            _firstError ??= worker.FirstError;
        }

        _measuredTicks += end - start;
        _windowRates.Add(completed / ((end - start) / (double)Stopwatch.Frequency));
        if (scenario.Meter is { } meter)
        {
            var (batches, waits, busy) = meter.Take();
            _batches.AddRange(batches);
            _queueWaits.AddRange(waits);
            _busy += busy;
        }
    }

    public LoadMeasurement ToMeasurement()
    {
        var sorted = _latencies.Order().ToList();
        var rates = _windowRates.Order().ToList();
        var seconds = _measuredTicks / (double)Stopwatch.Frequency;
        var observed = scenario.Meter is not null;
        var waits = _queueWaits.Order().ToList();
        return new LoadMeasurement(
            scenario.Name,
            scenario.Database,
            scenario.Path,
            scenario.Workers,
            sorted.Count,
            seconds,
            sorted.Count / seconds,
            Microseconds(Percentile(sorted, 0.50)),
            Microseconds(Percentile(sorted, 0.99)),
            sorted.Count == 0 ? 0 : Microseconds(sorted[^1]),
            rates[0],
            rates[(rates.Count - 1) / 2],
            rates[^1],
            _windowRates.ToList(),
            _errors,
            _firstError,
            observed ? _busy : null,
            observed ? _batches.Count : null,
            observed ? _batches.Count / seconds : null,
            observed && _batches.Count > 0 ? _batches.Average() : null,
            observed && _batches.Count > 0 ? _batches.Max() : null,
            observed && waits.Count > 0 ? Percentile(waits, 0.50) : null,
            observed && waits.Count > 0 ? Percentile(waits, 0.99) : null);
    }

    private async Task<(long Start, long End, Worker[] Workers)> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, scenario.Workers).Select(_ => new Worker()).ToArray();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        if (workers.Length == 1)
        {
            // One caller runs inline: no thread-pool hop per window, as a single request handler would.
            await workers[0].RunAsync(scenario, deadline, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAll(workers.Select(worker => Task.Run(() => worker.RunAsync(scenario, deadline, cancellationToken), cancellationToken))).ConfigureAwait(false);
        }

        return (start, Stopwatch.GetTimestamp(), workers);
    }

    // Nearest-rank percentile of sorted values.
    private static T Percentile<T>(List<T> sorted, double fraction) =>
        sorted.Count == 0 ? default! : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>One caller: its own lists, so callers never contend on the recorder.</summary>
    private sealed class Worker
    {
        public List<long> Latencies { get; } = new(1024);

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(LoadScenario scenario, long deadline, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            while (now < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var failed = false;
                try
                {
                    await scenario.RunAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // An error is counted and reported with the results; the run goes on so every scenario gets its windows.
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    failed = true;
                    Errors++;
                    FirstError ??= $"{exception.GetType().Name}: {exception.Message}";
                }

                var after = Stopwatch.GetTimestamp();
                if (!failed)
                {
                    Latencies.Add(after - now);
                }

                now = after;
            }
        }
    }
}
