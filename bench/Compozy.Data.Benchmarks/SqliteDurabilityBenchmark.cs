using System.Globalization;
using System.Text;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>sqlite-durability</c>: the fsync rate of the disk, then single-row commits per second with
/// raw Microsoft.Data.Sqlite and through the layer's writer under synchronous FULL, NORMAL and
/// OFF, each on a fresh database in one temporary directory, and the ratios between them.
/// </summary>
/// <remarks>
/// The machines are shared (other builds, tests and fsync-heavy harnesses run beside), and a
/// scenario measured in one block of seconds can land entirely in someone else's burst. So every
/// scenario is opened and warmed up first, then measured in one-second windows taken in turn
/// (fsync, raw FULL, ... layer OFF, fsync, raw FULL, ...): a disturbance then costs every
/// scenario alike, and the ratios stay meaningful even when the absolute rates move.
/// </remarks>
internal static class SqliteDurabilityBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly string[] Modes = ["FULL", "NORMAL", "OFF"];

    public static async Task<int> RunAsync(int seconds, RepositoryPaths paths, string outPath, CancellationToken cancellationToken)
    {
        var windows = Math.Max(1, seconds);
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var recorders = new List<CommitRecorder>();
        try
        {
            var environment = BenchEnvironment.Describe(directory, paths);
            var pressure = new CpuPressure();
            await Console.Error.WriteLineAsync($"sqlite-durability: {environment.Summary}").ConfigureAwait(false);

            // A fresh file per scenario, all in the same directory.
            string DatabasePath(string name) => Path.Combine(directory, name.Replace(' ', '-') + ".db");
            recorders.Add(new CommitRecorder(FsyncScenario.Open(Path.Combine(directory, "fsync.bin"))));
            foreach (var layerSchema in new[] { false, true })
            {
                foreach (var mode in Modes)
                {
                    var name = $"{(layerSchema ? "raw-schema" : "raw")} {mode}";
                    recorders.Add(new CommitRecorder(await RawSqliteScenario.OpenAsync(DatabasePath(name), mode, layerSchema, cancellationToken).ConfigureAwait(false)));
                }
            }

            foreach (var mode in Modes)
            {
                recorders.Add(new CommitRecorder(await LayerScenario.OpenAsync(DatabasePath($"layer {mode}"), mode, cancellationToken).ConfigureAwait(false)));
            }

            foreach (var recorder in recorders)
            {
                await recorder.WarmUpAsync(WarmUp, cancellationToken).ConfigureAwait(false);
                DiskSync.SyncAll();
            }

            await Console.Error.WriteLineAsync($"  warmed up {recorders.Count} scenarios; measuring {windows} windows of {Window.TotalSeconds:0} s each, in turn").ConfigureAwait(false);
            for (var window = 1; window <= windows; window++)
            {
                foreach (var recorder in recorders)
                {
                    await recorder.RecordWindowAsync(Window, cancellationToken).ConfigureAwait(false);
                    DiskSync.SyncAll();
                }

                await Console.Error.WriteLineAsync($"  window {window}/{windows} done").ConfigureAwait(false);
            }

            var measurements = recorders.Select(r => r.ToMeasurement()).ToList();
            var report = new DurabilityReport(
                "sqlite-durability", environment, BenchEnvironment.LoadAverage(), pressure.PercentSinceStart(), WarmUp.TotalSeconds, Window.TotalSeconds, windows,
                measurements, Ratios(measurements));
            var markdown = Render(report);
            await Console.Out.WriteAsync(markdown).ConfigureAwait(false);
            var (json, md) = await ResultFiles.WriteAsync(outPath, report, markdown, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"wrote {json} and {md}").ConfigureAwait(false);
            return 0;
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                await recorder.Scenario.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<Ratio> Ratios(List<CommitMeasurement> measurements)
    {
        CommitMeasurement Of(string scenario) => measurements.Single(m => m.Scenario == scenario);
        var ratios = new List<Ratio>();
        void Add(string numerator, string denominator, string meaning) =>
            ratios.Add(new Ratio(
                $"{numerator} / {denominator}",
                Of(numerator).PerSecond / Of(denominator).PerSecond,
                meaning,
                Of(numerator).WindowPerSecondMax / Of(denominator).WindowPerSecondMax));

        Add("raw FULL", "fsync", "durable commits per fsync the disk can do (1 = one fsync per commit and nothing else)");
        Add("layer FULL", "fsync", "the same through the layer");
        foreach (var mode in Modes)
        {
            Add($"layer {mode}", $"raw {mode}", "share of raw SQLite's rate (one-column table) that the layer keeps");
        }

        foreach (var mode in Modes)
        {
            Add($"layer {mode}", $"raw-schema {mode}", "share the layer keeps of raw SQLite writing the same row into the same schema: the layer's own cost");
        }

        foreach (var mode in Modes)
        {
            Add($"raw-schema {mode}", $"raw {mode}", "cost of the workflow_states schema (6 b-trees per insert, json_valid CHECKs) with no layer involved");
        }

        foreach (var path in new[] { "raw", "layer" })
        {
            Add($"{path} NORMAL", $"{path} FULL", "speed-up bought by giving up durability on power loss");
            Add($"{path} OFF", $"{path} FULL", "speed-up bought by giving up every fsync");
        }

        return ratios;
    }

    private static string Render(DurabilityReport report)
    {
        var rates = new MarkdownTable("scenario", "commits/s", "p50 (us)", "p99 (us)", "max (us)", "commits", "windows: min / median / best commits/s");
        foreach (var m in report.Measurements)
        {
            rates.Add(m.Scenario, Numbers.Count(m.PerSecond), Numbers.Decimal(m.P50Microseconds), Numbers.Decimal(m.P99Microseconds),
                Numbers.Decimal(m.MaxMicroseconds), Numbers.Count(m.Operations),
                $"{Numbers.Count(m.WindowPerSecondMin)} / {Numbers.Count(m.WindowPerSecondMedian)} / {Numbers.Count(m.WindowPerSecondMax)}");
        }

        var ratios = new MarkdownTable("ratio (commits/s over commits/s)", "all windows", "best windows", "reads as");
        foreach (var ratio in report.Ratios)
        {
            ratios.Add(ratio.Name, Numbers.Times(ratio.Value), Numbers.Times(ratio.BestValue!.Value), ratio.Meaning);
        }

        return new StringBuilder()
            .Append("## sqlite-durability\n\n")
            .Append(CultureInfo.InvariantCulture, $"Measured {report.Environment.MeasuredAtUtc:yyyy-MM-dd HH:mm} UTC on {report.Environment.Summary}; at end {report.LoadAverageAtEnd}; ")
            .Append(CultureInfo.InvariantCulture, $"CPU pressure during the run {(report.CpuPressurePercent is { } cpu ? $"{cpu:0.#}%" : "unknown")} (share of time a runnable task waited for a core; this benchmark alone keeps it near 0).\n")
            .Append("Single-row transactions (BEGIN IMMEDIATE, INSERT, COMMIT), one writer, sequential, WAL mode, a fresh database per scenario. ")
            .Append(CultureInfo.InvariantCulture, $"Each scenario warmed up {report.WarmUpSeconds:0} s, then measured in {report.WindowsPerScenario} windows of {report.WindowSeconds:0} s taken in turn with the others; ")
            .Append("commits/s and latencies are over all windows together; \"best windows\" divides the fastest window of each, the least disturbed by other work.\n\n")
            .Append(rates)
            .Append('\n')
            .Append(ratios)
            .ToString();
    }
}
