using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Migrations;
using Compozy.Data.Postgres.Knowledge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// pgvector on a PostgreSQL server: a throwaway database (created like the tests create theirs,
/// dropped at the end), knowledge bases filled through <see cref="IKnowledgeStore"/> (so with
/// the HNSW index the store creates per knowledge base), then the same queries answered by the
/// exact scan (<see cref="PgVectorStore.SearchExactAsync"/>) and by the index
/// (<see cref="PgVectorStore.SearchAsync"/>) at several <c>ef_search</c> values, in turn.
/// </summary>
internal static partial class PgVectorScenario
{
    public const string EnvironmentVariable = "COMPOZY_TEST_POSTGRES";
    private const int ChunksPerWrite = 1000;
    private const int WarmUp = 2;

    public static async Task<List<PgVectorMeasurement>> RunAsync(
        string adminConnectionString,
        IReadOnlyList<(string Kind, int Count, int Dimension)> datasets,
        int queries,
        IReadOnlyList<int> efSearchValues,
        CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t_bench_knowledge_{Guid.NewGuid():N}");
        await AdminAsync(adminConnectionString, $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"  pgvector: database {name}").ConfigureAwait(false);
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["database:driver"] = "postgres",
                ["database:conn_string"] = connectionString,
            }).Build();
            var services = new ServiceCollection().AddLogging().AddCompozyData(configuration).BuildServiceProvider();
            await using (services.ConfigureAwait(false))
            {
                await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var results = new List<PgVectorMeasurement>();
                foreach (var (kind, count, dimension) in datasets)
                {
                    results.Add(await MeasureAsync(services, kind, count, dimension, queries, efSearchValues, cancellationToken).ConfigureAwait(false));
                }

                return results;
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(adminConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<PgVectorMeasurement> MeasureAsync(
        ServiceProvider services, string kind, int count, int dimension, int queryCount, IReadOnlyList<int> efSearchValues, CancellationToken cancellationToken)
    {
        var knowledge = services.GetRequiredService<IKnowledgeStore>();
        var registry = services.GetRequiredService<VectorStoreRegistry>();
        var name = string.Create(CultureInfo.InvariantCulture, $"{kind}-{count}x{dimension}");
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(name, dimension, VectorMetric.Cosine), cancellationToken).ConfigureAwait(false);

        var dataset = new VectorDataset(kind, dimension, count, seed: 17 + dimension);
        var inserting = Stopwatch.StartNew();
        for (var first = 0; first < count; first += ChunksPerWrite)
        {
            var chunks = new List<VectorChunk>(ChunksPerWrite);
            for (var row = first; row < Math.Min(count, first + ChunksPerWrite); row++)
            {
                var id = EmbeddedExactScenario.Id(row);
                chunks.Add(new VectorChunk(id, "d" + (row / 10).ToString("D6", CultureInfo.InvariantCulture), "chunk " + id, dataset.Next(), null));
            }

            await knowledge.UpsertChunksAsync(name, chunks, cancellationToken).ConfigureAwait(false);
            if ((first / ChunksPerWrite) % 10 == 9)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  pgvector {name}: {first + ChunksPerWrite:N0} chunks in {inserting.Elapsed.TotalSeconds:F0} s")).ConfigureAwait(false);
            }
        }

        var insertSeconds = inserting.Elapsed.TotalSeconds;

        // Autovacuum would analyze the table soon after such a load; do it now so the plans are the settled ones.
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var analyze = dataSource.CreateCommand("ANALYZE knowledge_chunks"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var exactStore = (PgVectorStore)registry.Store(VectorDatabaseOptions.DefaultId);
        var entry = registry.Entries.Single(candidate => candidate.Id == VectorDatabaseOptions.DefaultId);
        var provider = new PgVectorStoreProvider();
        var stores = efSearchValues.Select(ef => (PgVectorStore)provider.Create(WithEfSearch(entry, ef), services)).ToList();
        var definition = new KnowledgeBaseDefinition(name, entry.Id, dimension, VectorMetric.Cosine);

        var exactUs = new List<double>();
        var hnswUs = efSearchValues.Select(_ => new List<double>()).ToList();
        var recalls = efSearchValues.Select(_ => new List<double>()).ToList();
        var queries = new VectorDataset(kind, dimension, count, seed: 17 + dimension);

        // The same centroids as the rows (same seed), but the queries are new draws: skip the rows' draws.
        var skip = new float[dimension];
        for (var row = 0; row < count; row++)
        {
            queries.Next(skip);
        }

        var plan = string.Empty;
        for (var round = 0; round < queryCount + WarmUp; round++)
        {
            var query = new VectorQuery(queries.Next(), EmbeddedExactScenario.TopK, new Dictionary<string, JsonElement>());
            var start = Stopwatch.GetTimestamp();
            var exact = await exactStore.SearchExactAsync(definition, query, cancellationToken).ConfigureAwait(false);
            var us = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());
            var truth = exact.Select(result => result.Id).ToHashSet(StringComparer.Ordinal);
            if (round >= WarmUp)
            {
                exactUs.Add(us);
            }

            for (var index = 0; index < stores.Count; index++)
            {
                start = Stopwatch.GetTimestamp();
                var approximate = await stores[index].SearchAsync(definition, query, cancellationToken).ConfigureAwait(false);
                us = Percentiles.Microseconds(start, Stopwatch.GetTimestamp());
                if (round >= WarmUp)
                {
                    hnswUs[index].Add(us);
                    recalls[index].Add(approximate.Count(result => truth.Contains(result.Id)) / (double)truth.Count);
                }
            }

            if (round == 0)
            {
                plan = await ExplainAsync(dataSource, stores[0], definition, query, cancellationToken).ConfigureAwait(false);
            }
        }

        var exactP50 = Percentiles.Of(exactUs, 50);
        var hnsw = efSearchValues.Select((ef, index) => new HnswMeasurement(
            ef, recalls[index].Average(), recalls[index].Min(), Percentiles.Of(hnswUs[index], 50), Percentiles.Of(hnswUs[index], 99), exactP50 / Percentiles.Of(hnswUs[index], 50))).ToList();
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  pgvector {name}: inserted in {insertSeconds:F0} s; exact p50 {exactP50:F0} us; {string.Join("; ", hnsw.Select(h => $"ef {h.EfSearch}: recall {h.RecallAt10:F3}, p50 {h.P50Us:F0} us"))}")).ConfigureAwait(false);
        return new PgVectorMeasurement(kind, count, dimension, dataset.Centroids, insertSeconds, plan, exactUs.Count, exactP50, Percentiles.Of(exactUs, 99), hnsw);
    }

    private static VectorDatabaseOptions WithEfSearch(VectorDatabaseOptions entry, int efSearch) => new()
    {
        Index = entry.Index,
        Id = entry.Id,
        Provider = entry.Provider,
        Url = entry.Url,
        Path = entry.Path,
        Dimension = entry.Dimension,
        Metric = entry.Metric,
        MaxTopK = entry.MaxTopK,
        Options = new Dictionary<string, string>(entry.Options, StringComparer.OrdinalIgnoreCase)
        {
            [PgVectorStoreProvider.EfSearch] = efSearch.ToString(CultureInfo.InvariantCulture),
            // The benchmark measures the index: no exact scan for knowledge bases below the bound.
            [PgVectorStoreProvider.ExactSearchMaxRows] = "0",
        },
    };

    /// <summary>The first lines of the HNSW search's plan, run with the store's own settings in a transaction.</summary>
    private static async Task<string> ExplainAsync(NpgsqlDataSource dataSource, PgVectorStore store, KnowledgeBaseDefinition definition, VectorQuery query, CancellationToken cancellationToken)
    {
        var (settings, select) = store.SearchSql(definition, query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var setting in settings)
        {
            await using var set = new NpgsqlCommand(setting, connection, transaction);
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + select, connection, transaction);
        explain.Parameters.Add(PgVectorSql.Parameter("query", query.Embedding.Span));
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The query vector is printed inline: hundreds of numbers that say nothing about the plan.
                lines.Add(VectorLiteral().Replace(reader.GetString(0).Trim(), "'[...]'"));
            }
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        return string.Join(" / ", lines.Take(3));
    }

    private static async Task AdminAsync(string adminConnectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"'\[[^\]]*\]'")]
    private static partial System.Text.RegularExpressions.Regex VectorLiteral();
}
