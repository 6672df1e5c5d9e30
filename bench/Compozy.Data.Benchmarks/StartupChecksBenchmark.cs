using System.Diagnostics;
using System.Globalization;
using System.Text;
using Compozy.Data.Startup;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>startup-checks</c>: how long <c>integrity_check_on_startup</c> QUICK and FULL hold up a start
/// on a large database, timed both through the layer's own startup check (what operators pay)
/// and as bare PRAGMAs on a Microsoft.Data.Sqlite connection, against the I/O floor of reading
/// the whole file once. Each is timed with the file in the page cache (warm: a process restart)
/// and evicted from it (cold: a reboot). Runs are interleaved, so drift hits all alike.
/// </summary>
internal static class StartupChecksBenchmark
{
    private const int Runs = 3;
    private const string Read = "sequential read";
    private const string QuickNoChecks = "raw quick_check, no CHECKs";
    private const string IntegrityNoChecks = "raw integrity_check, no CHECKs";

    public static async Task<int> RunAsync(long targetBytes, RepositoryPaths paths, string outPath, CancellationToken cancellationToken)
    {
        var database = await LargeDatabaseBuilder.EnsureAsync(paths.Cache, targetBytes, cancellationToken).ConfigureAwait(false);
        var path = database.Path;
        var environment = BenchEnvironment.Describe(paths.Cache, paths);
        await Console.Error.WriteLineAsync($"startup-checks: {environment.Summary}").ConfigureAwait(false);
        var pressure = new CpuPressure();

        var measurements = new (string Name, Func<Task> Run)[]
        {
            (Read, () => ReadWholeFileAsync(path, cancellationToken)),
            ("raw quick_check", () => RawCheckAsync(path, "quick_check", skipChecks: false, cancellationToken)),
            (QuickNoChecks, () => RawCheckAsync(path, "quick_check", skipChecks: true, cancellationToken)),
            ("layer QUICK", () => LayerCheckAsync(path, "QUICK", cancellationToken)),
            ("raw integrity_check", () => RawCheckAsync(path, "integrity_check", skipChecks: false, cancellationToken)),
            (IntegrityNoChecks, () => RawCheckAsync(path, "integrity_check", skipChecks: true, cancellationToken)),
            ("layer FULL", () => LayerCheckAsync(path, "FULL", cancellationToken)),
        };

        var timings = new List<CheckTiming>();
        foreach (var cache in PageCache.IsSupported ? new[] { "warm", "cold" } : ["warm"])
        {
            if (cache == "warm")
            {
                await ReadWholeFileAsync(path, cancellationToken).ConfigureAwait(false);
            }

            var runs = measurements.ToDictionary(m => m.Name, _ => new List<double>());
            for (var round = 1; round <= Runs; round++)
            {
                foreach (var (name, run) in measurements)
                {
                    if (cache == "cold")
                    {
                        PageCache.Evict(path);
                    }

                    var elapsed = Stopwatch.StartNew();
                    await run().ConfigureAwait(false);
                    runs[name].Add(elapsed.Elapsed.TotalMilliseconds);
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {cache} round {round}: {name,-20} {elapsed.Elapsed.TotalMilliseconds,10:F0} ms")).ConfigureAwait(false);
                }
            }

            var readMedian = Percentiles.Median(runs[Read]);
            timings.AddRange(measurements.Select(m => new CheckTiming(
                m.Name, cache, runs[m.Name], runs[m.Name].Min(), Percentiles.Median(runs[m.Name]), Percentiles.Median(runs[m.Name]) / readMedian)));
        }

        var report = new StartupChecksReport("startup-checks", environment, BenchEnvironment.LoadAverage(), pressure.PercentSinceStart(), database, Runs, timings, Ratios(timings));
        var markdown = Render(report);
        await Console.Out.WriteAsync(markdown).ConfigureAwait(false);
        var (json, md) = await ResultFiles.WriteAsync(outPath, report, markdown, cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"wrote {json} and {md}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>The I/O floor: every byte of the file read once, front to back, in 1 MiB reads.</summary>
    private static async Task ReadWholeFileAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            while (await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
    }

    /// <summary>
    /// The bare PRAGMA on a fresh, unpooled connection with SQLite's default page cache, as the
    /// layer's inspection connection has. Both checks also evaluate every CHECK constraint on
    /// every row (the schema's <c>json_valid</c> ones parse every JSON column);
    /// <paramref name="skipChecks"/> turns that off with <c>ignore_check_constraints</c>, to show
    /// what share of the time it takes. The layer never skips them.
    /// </summary>
    private static Task RawCheckAsync(string path, string pragma, bool skipChecks, CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        if (skipChecks)
        {
            command.CommandText = "PRAGMA ignore_check_constraints = ON;";
            command.ExecuteNonQuery();
        }

        command.CommandText = pragma == "quick_check" ? "PRAGMA quick_check;" : "PRAGMA integrity_check;";
        command.CommandTimeout = 0;
        var result = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (result != "ok")
        {
            throw new InvalidOperationException($"{pragma} of {path} reported: {result}");
        }
    }, cancellationToken);

    /// <summary>
    /// The layer's startup checks exactly as <c>compozy start</c> runs them (filesystem probe, WAL
    /// residue, the integrity check through the inspection connection). Registering the services
    /// is not timed; a failed check throws.
    /// </summary>
    private static async Task LayerCheckAsync(string path, string level, CancellationToken cancellationToken)
    {
        var services = LayerServices.Build(path, integrityCheck: level);
        await using (services.ConfigureAwait(false))
        {
            foreach (var check in services.GetServices<IDatabaseStartupCheck>())
            {
                await check.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static List<Ratio> Ratios(List<CheckTiming> timings)
    {
        var ratios = new List<Ratio>();
        foreach (var cache in timings.Select(t => t.Cache).Distinct())
        {
            CheckTiming Of(string measurement) => timings.Single(t => t.Cache == cache && t.Measurement == measurement);
            void Add(string numerator, string denominator, string meaning) => ratios.Add(new Ratio(
                $"{numerator} / {denominator} ({cache})",
                Of(numerator).MedianMilliseconds / Of(denominator).MedianMilliseconds,
                meaning,
                Of(numerator).MinMilliseconds / Of(denominator).MinMilliseconds));

            Add("raw quick_check", Read, "quick_check's time in units of reading the file once");
            Add("raw integrity_check", Read, "integrity_check's time in units of reading the file once");
            Add("layer QUICK", "raw quick_check", "what the layer adds around quick_check (1 = nothing)");
            Add("layer FULL", "raw integrity_check", "what the layer adds around integrity_check (1 = nothing)");
            Add("raw integrity_check", "raw quick_check", "extra cost of FULL over QUICK (cross-checking every index entry against its row)");
            Add(QuickNoChecks, "raw quick_check", "share of quick_check left when CHECK constraints are not evaluated (the rest is json_valid on every JSON column)");
            Add(IntegrityNoChecks, "raw integrity_check", "the same for integrity_check");
        }

        if (timings.Any(t => t.Cache == "cold"))
        {
            foreach (var measurement in new[] { Read, "layer QUICK", "layer FULL" })
            {
                CheckTiming Of(string cache) => timings.Single(t => t.Cache == cache && t.Measurement == measurement);
                ratios.Add(new Ratio(
                    $"{measurement}: cold / warm",
                    Of("cold").MedianMilliseconds / Of("warm").MedianMilliseconds,
                    "what an empty page cache (after a reboot) adds",
                    Of("cold").MinMilliseconds / Of("warm").MinMilliseconds));
            }
        }

        return ratios;
    }

    private static string Render(StartupChecksReport report)
    {
        var db = report.Database;
        var table = new MarkdownTable("measurement", "cache", "runs (ms)", "min (ms)", "median (ms)", "MB/s (median)", "median / read");
        foreach (var t in report.Timings)
        {
            table.Add(t.Measurement, t.Cache, string.Join(", ", t.RunsMilliseconds.Select(Numbers.Count)), Numbers.Count(t.MinMilliseconds),
                Numbers.Count(t.MedianMilliseconds), Numbers.Count(db.Bytes / (double)ByteSize.Megabyte / (t.MedianMilliseconds / 1000)), Numbers.Times(t.OverRead));
        }

        var ratios = new MarkdownTable("ratio (time over time)", "medians", "minimums", "reads as");
        foreach (var ratio in report.Ratios)
        {
            ratios.Add(ratio.Name, Numbers.Times(ratio.Value), Numbers.Times(ratio.BestValue!.Value), ratio.Meaning);
        }

        var built = db.BuildSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"built in {seconds:F0} s") : "reused from the cache";
        return new StringBuilder()
            .Append("## startup-checks\n\n")
            .Append(CultureInfo.InvariantCulture, $"Measured {report.Environment.MeasuredAtUtc:yyyy-MM-dd HH:mm} UTC on {report.Environment.Summary}; at end {report.LoadAverageAtEnd}; ")
            .Append(CultureInfo.InvariantCulture, $"CPU pressure during the run {(report.CpuPressurePercent is { } cpu ? $"{cpu:0.#}%" : "unknown")} (share of time a runnable task waited for a core; this benchmark alone keeps it near 0).\n")
            .Append(CultureInfo.InvariantCulture, $"Database: {Numbers.Count(db.Bytes / (double)ByteSize.Megabyte)} MiB ({Numbers.Count(db.Pages)} pages of {db.PageSize} B), ")
            .Append(CultureInfo.InvariantCulture, $"{Numbers.Count(db.WorkflowStates)} workflow_states and {Numbers.Count(db.TaskStates)} task_states rows, {db.Indexes} indexes, WAL mode; {built}.\n")
            .Append(CultureInfo.InvariantCulture, $"{report.Runs} runs of each, interleaved; warm = file in the page cache, cold = evicted with posix_fadvise(DONTNEED) before each run.\n\n")
            .Append(table)
            .Append('\n')
            .Append(ratios)
            .ToString();
    }
}
