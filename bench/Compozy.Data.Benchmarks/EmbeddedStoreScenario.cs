using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Migrations;
using Compozy.Data.Sqlite.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The embedded store as a host runs it: services from configuration over a new SQLite file,
/// migrations, a knowledge base created and filled through <see cref="IKnowledgeStore"/>, and
/// searches through it. The matrix is dropped from the store's cache between loads, as a write
/// would drop it (without changing the data, so every load reads the same rows).
/// </summary>
internal static class EmbeddedStoreScenario
{
    private const string KnowledgeBase = "bench";
    private const int ChunksPerWrite = 1000;

    public static async Task<StoreLoadMeasurement> RunAsync(int count, int dimension, int loads, int cachedSearches, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"knowledge-{count}x{dimension}.db"));
        var services = LayerServices.Build(path);
        await using (services.ConfigureAwait(false))
        {
            await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var knowledge = services.GetRequiredService<IKnowledgeStore>();
            await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(KnowledgeBase, dimension, VectorMetric.Cosine), cancellationToken).ConfigureAwait(false);

            var dataset = new VectorDataset("uniform", dimension, count, seed: 11 + dimension);
            var writing = Stopwatch.StartNew();
            var writes = 0;
            for (var first = 0; first < count; first += ChunksPerWrite)
            {
                var chunks = new List<VectorChunk>(ChunksPerWrite);
                for (var row = first; row < Math.Min(count, first + ChunksPerWrite); row++)
                {
                    var id = EmbeddedExactScenario.Id(row);
                    chunks.Add(new VectorChunk(id, "d" + (row / 10).ToString("D6", CultureInfo.InvariantCulture), "chunk " + id, dataset.Next(), null));
                }

                await knowledge.UpsertChunksAsync(KnowledgeBase, chunks, cancellationToken).ConfigureAwait(false);
                writes++;
            }

            var writeSeconds = writing.Elapsed.TotalSeconds;
            var bytes = new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  store {count:N0} x {dimension}: wrote {writes} x {ChunksPerWrite} chunks in {writeSeconds:F1} s ({bytes / (double)ByteSize.Megabyte:F0} MiB)")).ConfigureAwait(false);

            var store = (EmbeddedVectorStore)services.GetRequiredService<VectorStoreRegistry>().Store(VectorDatabaseOptions.DefaultId);
            var queries = new VectorDataset("uniform", dimension, count, seed: 13 + dimension);
            VectorQuery Query() => new(queries.Next(), EmbeddedExactScenario.TopK, new Dictionary<string, System.Text.Json.JsonElement>());

            var loadsMs = new List<double>();
            long gcDelta = 0;
            for (var load = 0; load < loads; load++)
            {
                store.Cache.Remove(KnowledgeBase);
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var start = Stopwatch.GetTimestamp();
                var results = await knowledge.SearchAsync(KnowledgeBase, Query(), cancellationToken).ConfigureAwait(false);
                loadsMs.Add(Percentiles.Microseconds(start, Stopwatch.GetTimestamp()) / 1000);
                gcDelta = GC.GetTotalMemory(forceFullCollection: true) - before;
                if (results.Count != EmbeddedExactScenario.TopK)
                {
                    throw new InvalidOperationException($"a search of {count} chunks returned {results.Count} results, not {EmbeddedExactScenario.TopK}");
                }
            }

            var cached = new List<double>();
            for (var search = 0; search < cachedSearches + 2; search++)
            {
                var query = Query();
                var start = Stopwatch.GetTimestamp();
                await knowledge.SearchAsync(KnowledgeBase, query, cancellationToken).ConfigureAwait(false);
                var us = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());
                if (search >= 2)
                {
                    cached.Add(us);
                }
            }

            var loadMedian = Percentiles.Of(loadsMs, 50);
            var cachedP50 = Percentiles.Of(cached, 50);
            var measurement = new StoreLoadMeasurement(
                count, dimension, writes, writeSeconds, bytes, loadsMs, loadMedian, cachedP50, Percentiles.Of(cached, 99), cached.Count,
                store.Cache.Bytes, gcDelta, loadMedian * 1000 / cachedP50);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  store {count:N0} x {dimension}: load {loadMedian:F0} ms (runs {string.Join(", ", loadsMs.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))}), cached search p50 {cachedP50:F0} us")).ConfigureAwait(false);
            return measurement;
        }
    }
}
