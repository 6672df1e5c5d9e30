using System.Globalization;
using System.Text;
using Compozy.Data.Knowledge;
using Npgsql;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// <c>knowledge-search</c>: the embedded store's exact search against a naive scalar loop and
/// the memory-bandwidth bound of the same rows; its matrix loaded from a SQLite file against
/// searching it; and pgvector's HNSW search against its exact scan (recall and latency), on
/// uniform and clustered random vectors. Every baseline is measured in the same run.
/// </summary>
internal static class KnowledgeSearchBenchmark
{
    public static async Task<int> RunAsync(bool quick, bool skipPgVector, RepositoryPaths paths, string outPath, CancellationToken cancellationToken)
    {
        var admin = Environment.GetEnvironmentVariable(PgVectorScenario.EnvironmentVariable);
        if (!skipPgVector && string.IsNullOrEmpty(admin))
        {
            await Console.Error.WriteLineAsync(
                $"knowledge-search: {PgVectorScenario.EnvironmentVariable} is not set, so the pgvector part cannot run. Set it to an administrator connection string " +
                "of a PostgreSQL server with pgvector (the benchmark creates and drops its own database), or pass --no-pgvector to measure only the embedded store.").ConfigureAwait(false);
            return 2;
        }

        var directory = Path.Combine(Path.GetTempPath(), $"compozy-bench-knowledge-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var environment = BenchEnvironment.Describe(directory, paths);
            await Console.Error.WriteLineAsync($"knowledge-search{(quick ? " --quick" : string.Empty)}: {environment.Summary}").ConfigureAwait(false);
            var pressure = new CpuPressure();

            var exact = new List<ExactSearchMeasurement>();
            var budget = TimeSpan.FromSeconds(quick ? 0.3 : 3);
            var minQueries = quick ? 5 : 20;
            foreach (var count in quick ? new[] { 10_000 } : [10_000, 100_000])
            {
                foreach (var dimension in new[] { 384, 768, 1536 })
                {
                    exact.Add(await EmbeddedExactScenario.RunAsync(count, dimension, VectorMetric.Cosine, budget, minQueries, 2000, cancellationToken).ConfigureAwait(false));
                }
            }

            var metricsCount = quick ? 10_000 : 100_000;
            foreach (var metric in new[] { VectorMetric.L2, VectorMetric.Dot })
            {
                exact.Add(await EmbeddedExactScenario.RunAsync(metricsCount, 768, metric, budget, minQueries, 2000, cancellationToken).ConfigureAwait(false));
            }

            var store = new List<StoreLoadMeasurement>();
            foreach (var (count, dimension) in quick ? new[] { (10_000, 768) } : [(10_000, 768), (100_000, 384)])
            {
                store.Add(await EmbeddedStoreScenario.RunAsync(count, dimension, loads: quick ? 2 : 3, cachedSearches: quick ? 20 : 100, directory, cancellationToken).ConfigureAwait(false));
            }

            string? server = null;
            var pgvector = new List<PgVectorMeasurement>();
            if (!skipPgVector)
            {
                server = await ServerVersionAsync(admin!, cancellationToken).ConfigureAwait(false);
                var datasets = quick
                    ? new[] { ("uniform", 5_000, 384), ("clustered", 5_000, 384) }
                    : [("uniform", 30_000, 384), ("clustered", 30_000, 384), ("uniform", 20_000, 768), ("clustered", 20_000, 768)];
                pgvector = await PgVectorScenario.RunAsync(admin!, datasets, quick ? 30 : 200, [40, 100, 200], cancellationToken).ConfigureAwait(false);
            }

            var report = new KnowledgeSearchReport(
                "knowledge-search",
                quick,
                environment,
                BenchEnvironment.LoadAverage(),
                pressure.PercentSinceStart(),
                EmbeddedExactScenario.TopK,
                exact,
                store,
                server,
                skipPgVector ? "--no-pgvector" : null,
                pgvector,
                Ratios(exact, store, pgvector));
            var markdown = Render(report);
            await Console.Out.WriteAsync(markdown).ConfigureAwait(false);
            var (json, md) = await ResultFiles.WriteAsync(outPath, report, markdown, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"wrote {json} and {md}").ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>PostgreSQL and pgvector versions, without the connection string (it holds a password).</summary>
    private static async Task<string> ServerVersionAsync(string admin, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version'), (SELECT default_version FROM pg_available_extensions WHERE name = 'vector')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return $"PostgreSQL {reader.GetString(0)}, pgvector {(reader.IsDBNull(1) ? "not installed" : reader.GetString(1))} on {connection.Host}:{connection.Port}";
    }

    private static List<Ratio> Ratios(List<ExactSearchMeasurement> exact, List<StoreLoadMeasurement> store, List<PgVectorMeasurement> pgvector)
    {
        var ratios = new List<Ratio>();
        foreach (var m in exact)
        {
            var size = string.Create(CultureInfo.InvariantCulture, $"{m.Count:N0} x {m.Dimension} {m.Metric}");
            ratios.Add(new Ratio($"scalar / SIMD p50 ({size})", m.SpeedUp, "speed-up of the store's SIMD search over the naive scalar loop (above 1 = SIMD faster)"));
            ratios.Add(new Ratio($"SIMD GB/s / read GB/s ({size})", m.OfBandwidth, "share of the sequential-read bandwidth of the same rows the search achieves (1 = memory bound)"));
        }

        foreach (var s in store)
        {
            var size = string.Create(CultureInfo.InvariantCulture, $"{s.Count:N0} x {s.Dimension}");
            ratios.Add(new Ratio($"load / cached search ({size})", s.LoadOverCachedSearch, "how many cached searches the first search after a write costs"));
            if (exact.FirstOrDefault(m => m.Count == s.Count && m.Dimension == s.Dimension && m.Metric == "cosine") is { } matrix)
            {
                ratios.Add(new Ratio($"store search / matrix search p50 ({size})", s.CachedSearchP50Us / matrix.SimdP50Us, "what IKnowledgeStore.SearchAsync adds around the in-memory scan (read snapshot, revision check, the 10 results' rows)"));
            }
        }

        foreach (var p in pgvector)
        {
            foreach (var h in p.Hnsw)
            {
                var size = string.Create(CultureInfo.InvariantCulture, $"{p.Dataset} {p.Count:N0} x {p.Dimension}, ef_search {h.EfSearch}");
                ratios.Add(new Ratio($"exact / HNSW p50 ({size})", h.ExactOverHnsw, "how many times faster the index answers than the exact scan (above 1 = index faster)"));
                ratios.Add(new Ratio($"recall@10 ({size})", h.RecallAt10, "share of the exact top 10 the index returned (1 = all)"));
            }
        }

        return ratios;
    }

    private static string Mib(long bytes) => Numbers.Decimal(bytes / (double)ByteSize.Megabyte);

    private static string Render(KnowledgeSearchReport report)
    {
        var exact = new MarkdownTable(
            "rows", "dim", "metric", "queries", "SIMD p50 / p99 (us)", "scalar p50 / p99 (us)", "read p50 (us)",
            "SIMD GB/s", "read GB/s", "scalar / SIMD", "SIMD / read bandwidth", "top-10 agreement", "vectors MiB", "EstimatedBytes MiB", "GC delta MiB");
        foreach (var m in report.Exact)
        {
            exact.Add(
                Numbers.Count(m.Count), m.Dimension.ToString(CultureInfo.InvariantCulture), m.Metric, Numbers.Count(m.Queries),
                $"{Numbers.Count(m.SimdP50Us)} / {Numbers.Count(m.SimdP99Us)}", $"{Numbers.Count(m.ScalarP50Us)} / {Numbers.Count(m.ScalarP99Us)}", Numbers.Count(m.ReadP50Us),
                Numbers.Decimal(m.SimdGigabytesPerSecond), Numbers.Decimal(m.ReadGigabytesPerSecond), Numbers.Times(m.SpeedUp), Numbers.Times(m.OfBandwidth), Numbers.Decimal(m.TopKAgreement),
                Mib(m.VectorBytes), Mib(m.EstimatedBytes), Mib(m.GcDeltaBytes));
        }

        var store = new MarkdownTable(
            "rows x dim", "writes", "write s", "file MiB", "loads (ms)", "load median (ms)", "cached search p50 / p99 (us)", "load / cached search", "cache EstimatedBytes MiB", "GC delta MiB");
        foreach (var s in report.Store)
        {
            store.Add(
                string.Create(CultureInfo.InvariantCulture, $"{s.Count:N0} x {s.Dimension}"), Numbers.Count(s.Writes), Numbers.Decimal(s.WriteSeconds), Mib(s.DatabaseBytes),
                string.Join(", ", s.LoadsMs.Select(Numbers.Count)), Numbers.Count(s.LoadMedianMs), $"{Numbers.Count(s.CachedSearchP50Us)} / {Numbers.Count(s.CachedSearchP99Us)}",
                Numbers.Times(s.LoadOverCachedSearch), Mib(s.CacheEstimatedBytes), Mib(s.GcDeltaBytes));
        }

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"## knowledge-search{(report.Quick ? " (--quick)" : string.Empty)}\n\n")
            .Append(CultureInfo.InvariantCulture, $"Measured {report.Environment.MeasuredAtUtc:yyyy-MM-dd HH:mm} UTC on {report.Environment.Summary}; at end {report.LoadAverageAtEnd}; ")
            .Append(CultureInfo.InvariantCulture, $"CPU pressure during the run {(report.CpuPressurePercent is { } cpu ? $"{cpu:0.#}%" : "unknown")} (share of time a runnable task waited for a core; this benchmark alone keeps it low, but PostgreSQL runs beside it).\n")
            .Append(CultureInfo.InvariantCulture, $"Every search asks for the top {report.TopK}. Vectors are random (seeded); latencies are per query, in microseconds.\n\n")
            .Append("### Embedded exact search (in memory)\n\n")
            .Append("`EmbeddedMatrix.Search` (TensorPrimitives SIMD kernels, heap top k) against, on the same rows and in turn query by query: ")
            .Append("a naive scalar loop (double accumulation, sorted-array top k) and a sequential read (SIMD sum) of the same bytes, the memory-bandwidth bound.\n\n")
            .Append(exact)
            .Append("\n### Embedded store: loading the matrix from SQLite against searching it\n\n")
            .Append("Chunks written through `IKnowledgeStore` (synchronous FULL), then the first search after the matrix is dropped from the store's cache ")
            .Append("(as a write drops it) against searches of the cached matrix, both through `IKnowledgeStore.SearchAsync`. The file is in the page cache.\n\n")
            .Append(store);

        if (report.PgVectorSkipped is not null)
        {
            text.Append("\n### pgvector\n\nNot measured: ").Append(report.PgVectorSkipped).Append('\n');
        }
        else
        {
            var pg = new MarkdownTable("dataset", "rows x dim", "insert s", "queries", "exact p50 / p99 (us)", "ef_search", "recall@10 (min)", "HNSW p50 / p99 (us)", "exact / HNSW");
            foreach (var p in report.PgVector)
            {
                foreach (var h in p.Hnsw)
                {
                    pg.Add(
                        p.Dataset + (p.Centroids > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({p.Centroids} centroids)") : string.Empty),
                        string.Create(CultureInfo.InvariantCulture, $"{p.Count:N0} x {p.Dimension}"), Numbers.Decimal(p.InsertSeconds), Numbers.Count(p.Queries),
                        $"{Numbers.Count(p.ExactP50Us)} / {Numbers.Count(p.ExactP99Us)}", h.EfSearch.ToString(CultureInfo.InvariantCulture),
                        string.Create(CultureInfo.InvariantCulture, $"{h.RecallAt10:F3} ({h.MinRecall:F1})"), $"{Numbers.Count(h.P50Us)} / {Numbers.Count(h.P99Us)}", Numbers.Times(h.ExactOverHnsw));
                }
            }

            text.Append("\n### pgvector: HNSW against the exact scan\n\n")
                .Append(CultureInfo.InvariantCulture, $"{report.PostgresServer}; a throwaway database. Chunks written through `IKnowledgeStore` into the knowledge base's HNSW index (m 16, ef_construction 64, cosine), then `ANALYZE`; ")
                .Append("each query is answered by `PgVectorStore.SearchExactAsync` and by `PgVectorStore.SearchAsync` at each `ef_search`, in turn. ")
                .Append("Uniform random vectors are the hard case for HNSW recall (no structure, all distances alike); the clustered set (random centroids + Gaussian noise, ~100 rows per centroid) ")
                .Append("is closer to real embeddings, where a query's neighbours stand out.\n\n")
                .Append(pg)
                .Append("\nPlans of the HNSW search (first lines of EXPLAIN):\n\n");
            foreach (var p in report.PgVector)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {p.Dataset} {p.Count:N0} x {p.Dimension}: `{p.HnswPlan}`\n");
            }
        }

        return text.ToString();
    }
}
