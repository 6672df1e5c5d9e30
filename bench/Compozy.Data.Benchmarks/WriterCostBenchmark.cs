using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// What one durable SQLite write costs the process under group commit: N callers upserting
/// through <c>IWorkflowStore</c> (synchronous FULL), with the process's CPU time, allocation and
/// garbage-collection pause per write, round after round, beside the same upsert written by hand
/// in batches of <see cref="StoresBenchmark.RawBatch"/> from one loop on a file of its own, in
/// the same round (<c>stores</c>' <c>raw FULL batch 32</c>). Meant for comparing two builds of
/// the layer run alternately: CPU and allocation per write move far less with the machine than
/// the rate does.
/// </summary>
internal static class WriterCostBenchmark
{
    public static async Task<int> RunAsync(int writers, int seconds, int rounds, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-bench-writer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var layerPath = Path.Combine(directory, "layer.db");
            var rawPath = Path.Combine(directory, "raw.db");
            await using var services = LayerServices.Build(layerPath);
            await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await LayerServices.MigrateAsync(rawPath, cancellationToken).ConfigureAwait(false);

            var upsert = StoreOperations.Upsert(services);
            await using var raw = new RawSqliteStore(rawPath, "FULL");
            var batched = raw.BatchedUpsert(StoresBenchmark.RawBatch);
            var window = TimeSpan.FromSeconds(seconds);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# One durable SQLite write under group commit: {writers} writers, synchronous FULL"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Directory: {directory}; load average at start {BenchEnvironment.LoadAverage()}; a warm-up round, then {rounds} measured rounds of {seconds} s each side; medians of the measured rounds."));
            Console.WriteLine();
            Console.WriteLine("| round | layer writes/s | process CPU per write | allocated per write | GC pause | raw batch writes/s | layer / raw batch |");
            Console.WriteLine("| ----- | -------------- | --------------------- | ------------------- | -------- | ------------------ | ----------------- |");
            var kept = new List<(double Rate, double Cpu, double Bytes, double Ratio)>();
            for (var round = 0; round <= rounds; round++)
            {
                var layer = await MeasureLayerAsync(upsert, writers, window, cancellationToken).ConfigureAwait(false);
                DiskSync.SyncAll();
                var rawRate = await MeasureRawAsync(batched, window, cancellationToken).ConfigureAwait(false);
                DiskSync.SyncAll();
                var name = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {name} | {layer.Rate:N0} | {layer.CpuMicroseconds:F1} us | {layer.Bytes / 1024:F1} KB | {layer.PauseShare:P1} | {rawRate:N0} | {layer.Rate / rawRate:F2}x |"));
                if (round > 0)
                {
                    kept.Add((layer.Rate, layer.CpuMicroseconds, layer.Bytes, layer.Rate / rawRate));
                }
            }

            static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| median | {Median(kept.Select(k => k.Rate)):N0} | {Median(kept.Select(k => k.Cpu)):F1} us | {Median(kept.Select(k => k.Bytes)) / 1024:F1} KB | | | {Median(kept.Select(k => k.Ratio)):F2}x |"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double Rate, double CpuMicroseconds, double Bytes, double PauseShare)> MeasureLayerAsync(
        Func<ValueTask> upsert, int writers, TimeSpan window, CancellationToken cancellationToken)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var pauseBefore = GC.GetTotalPauseDuration();
        long writes = 0;
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            await Task.Yield();
            while (elapsed.Elapsed < window && !cancellationToken.IsCancellationRequested)
            {
                await upsert().ConfigureAwait(false);
                Interlocked.Increment(ref writes);
            }
        })).ConfigureAwait(false);
        var seconds = elapsed.Elapsed.TotalSeconds;
        process.Refresh();
        return (
            writes / seconds,
            (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / writes,
            (double)(GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / writes,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds / seconds);
    }

    private static async Task<double> MeasureRawAsync(Func<ValueTask> batched, TimeSpan window, CancellationToken cancellationToken)
    {
        long writes = 0;
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < window && !cancellationToken.IsCancellationRequested)
        {
            await batched().ConfigureAwait(false);
            writes++;
        }

        return writes / elapsed.Elapsed.TotalSeconds;
    }
}
