using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// Searches on a few thousand seeded random vectors against a brute-force reference computed in
/// the test: exact top k on the embedded store, recall on pgvector's HNSW index (and exact on its
/// exact scan), with and without metadata filters.
/// </summary>
public sealed class KnowledgeSearchReferenceTests
{
    private const int Rows = 2000;
    private const int TopK = 10;
    private const int QueriesPerMetric = 20;
    private const double MinimumRecall = 0.9;

    [Theory, DatabaseData]
    public async Task Search_returns_the_reference_top_k_for_every_metric_with_and_without_filters(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_reference");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var registry = db.Services.GetRequiredService<VectorStoreRegistry>();
        var random = new Random(20261122);

        var knowledgeBases = new List<(VectorMetric Metric, VectorDataset Data, string Name, string VectorDbId)>();
        foreach (var metric in Enum.GetValues<VectorMetric>())
        {
            var dimension = random.Next(16, 65);
            var name = $"reference-{metric}".ToLowerInvariant();
            var (knowledgeBase, created) = await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(name, dimension, metric));
            created.ShouldBeTrue();
            knowledgeBases.Add((metric, VectorDataset.Create(random, Rows, dimension), name, knowledgeBase.VectorDbId));
        }

        // The knowledge bases are independent: loading them together halves the wait for pgvector's index inserts.
        await Task.WhenAll(knowledgeBases.Select(knowledgeBase => knowledgeBase.Data.WriteAsync(knowledge, knowledgeBase.Name)));

        foreach (var (metric, data, name, vectorDbId) in knowledgeBases)
        {
            var dimension = data.Dimension;
            var store = registry.Store(vectorDbId);
            var definition = new KnowledgeBaseDefinition(name, vectorDbId, dimension, metric);

            // A knowledge base this small is searched exactly by default (exact_search_max_rows);
            // a store of the same entry with the bound at 0 always uses the HNSW index.
            var hnsw = store is PgVectorStore ? IndexOnly(store.Options, db.Services) : null;
            var recalls = new List<double>();
            var filteredRecalls = new List<double>();

            var queries = Queries(random, data);
            for (var number = 0; number < queries.Count; number++)
            {
                var query = queries[number];
                var (filter, keep, filterName) = VectorDataset.Filters[number % VectorDataset.Filters.Count];
                var context = string.Create(CultureInfo.InvariantCulture, $"{metric}, dimension {dimension}, query {number}");

                var all = ReferenceRanking.Rank(metric, data.Rows, query);
                var results = await knowledge.SearchAsync(name, new VectorQuery(query, TopK, VectorDataset.NoFilter));
                ShouldCarryTheirChunks(results, data, _ => true, context);

                var filtered = ReferenceRanking.Rank(metric, data.Rows, query, keep);
                var filteredResults = await knowledge.SearchAsync(name, new VectorQuery(query, TopK, filter));
                ShouldCarryTheirChunks(filteredResults, data, keep, $"{context}, filter {filterName}");

                if (store is PgVectorStore pgvector)
                {
                    // The default search of a small knowledge base is the exact scan.
                    RankingAssert.ShouldBeTopK(results, all, TopK, $"{context}, default search of a small knowledge base", strictTies: false);
                    RankingAssert.ShouldBeTopK(filteredResults, filtered, TopK, $"{context}, default search, filter {filterName}", strictTies: false);

                    // HNSW is approximate: measured as recall; the exact scan must be the reference.
                    var indexed = await hnsw!.SearchAsync(definition, new VectorQuery(query, TopK, VectorDataset.NoFilter), default);
                    var indexedFiltered = await hnsw.SearchAsync(definition, new VectorQuery(query, TopK, filter), default);
                    recalls.Add(RankingAssert.Recall(metric, indexed, all, TopK));
                    filteredRecalls.Add(RankingAssert.Recall(metric, indexedFiltered, filtered, TopK));
                    indexedFiltered.Count.ShouldBe(TopK, $"{context}, filter {filterName}: the iterative scan finds {TopK} matches");
                    RankingAssert.ShouldBeTopK(await pgvector.SearchExactAsync(definition, new VectorQuery(query, TopK, VectorDataset.NoFilter), default), all, TopK, $"{context}, exact", strictTies: false);
                    RankingAssert.ShouldBeTopK(await pgvector.SearchExactAsync(definition, new VectorQuery(query, TopK, filter), default), filtered, TopK, $"{context}, exact, filter {filterName}", strictTies: false);
                }
                else
                {
                    RankingAssert.ShouldBeTopK(results, all, TopK, context);
                    RankingAssert.ShouldBeTopK(filteredResults, filtered, TopK, $"{context}, filter {filterName}");
                }
            }

            if (store is PgVectorStore)
            {
                recalls.Average().ShouldBeGreaterThanOrEqualTo(MinimumRecall, $"{metric}: mean recall@{TopK} of the HNSW index");
                filteredRecalls.Average().ShouldBeGreaterThanOrEqualTo(MinimumRecall, $"{metric}: mean recall@{TopK} of filtered HNSW searches");
            }
            else
            {
                await ExactTiesAsync(knowledge, name, metric, data);
            }
        }
    }

    private static PgVectorStore IndexOnly(VectorDatabaseOptions entry, IServiceProvider services) =>
        (PgVectorStore)new PgVectorStoreProvider().Create(
            new VectorDatabaseOptions
            {
                Index = entry.Index,
                Id = entry.Id,
                Provider = entry.Provider,
                Dimension = entry.Dimension,
                Metric = entry.Metric,
                MaxTopK = entry.MaxTopK,
                Options = new Dictionary<string, string>(entry.Options, StringComparer.OrdinalIgnoreCase) { [PgVectorStoreProvider.ExactSearchMaxRows] = "0" },
            },
            services);

    /// <summary>Random queries, scaled ones (which reorder dot products), and stored vectors that have an exact duplicate.</summary>
    private static List<float[]> Queries(Random random, VectorDataset data)
    {
        var queries = new List<float[]>();
        for (var number = 0; number < QueriesPerMetric; number++)
        {
            queries.Add(number switch
            {
                < 10 => VectorDataset.Gaussian(random, data.Dimension),
                < 15 => data.Row(data.Duplicates[number - 10].Original).Embedding,
                _ => VectorDataset.Gaussian(random, data.Dimension, scale: 3),
            });
        }

        return queries;
    }

    /// <summary>Ties the embedded store must break by the smaller id, and the zero vector's cosine of 0.</summary>
    private static async Task ExactTiesAsync(IKnowledgeStore knowledge, string name, VectorMetric metric, VectorDataset data)
    {
        var (original, copy) = data.Duplicates[0];
        var query = data.Row(original).Embedding;
        var results = await knowledge.SearchAsync(name, new VectorQuery(query, 2, VectorDataset.NoFilter));
        if (metric != VectorMetric.Dot)
        {
            // The two copies are the closest rows, with exactly the same score: the smaller id first.
            results.Select(result => result.Id).ShouldBe([original, copy]);
            results[0].Score.ShouldBe(results[1].Score);
        }

        // Everything in the zero vector's group, so the zero vector itself is ranked among them.
        var zeroGroup = VectorDataset.Filter(("group", VectorDataset.ZeroGroup));
        var groupQuery = VectorDataset.Gaussian(new Random(7), data.Dimension);
        var groupReference = ReferenceRanking.Rank(metric, data.Rows, groupQuery, row => row.Group == VectorDataset.ZeroGroup);
        var group = await knowledge.SearchAsync(name, new VectorQuery(groupQuery, 50, zeroGroup));
        RankingAssert.ShouldBeTopK(group, groupReference, 50, $"{metric}, the zero vector's group");
        group.ShouldContain(result => result.Id == data.ZeroId);
        if (metric == VectorMetric.Cosine)
        {
            group.Single(result => result.Id == data.ZeroId).Score.ShouldBe(0);

            // A zero query is at cosine 0 from every row: all tie, so the smallest ids win.
            var zero = await knowledge.SearchAsync(name, new VectorQuery(new float[data.Dimension], TopK, VectorDataset.NoFilter));
            zero.Select(result => result.Id).ShouldBe(data.Rows.Select(row => row.Id).Order(StringComparer.Ordinal).Take(TopK));
            zero.ShouldAllBe(result => result.Score == 0);
        }
    }

    private static void ShouldCarryTheirChunks(IReadOnlyList<VectorSearchResult> results, VectorDataset data, Func<DatasetRow, bool> keep, string context)
    {
        foreach (var result in results)
        {
            var row = data.Row(result.Id);
            keep(row).ShouldBeTrue($"{context}: {result.Id} does not pass the filter");
            result.DocumentId.ShouldBe(row.DocumentId, context);
            result.Text.ShouldBe($"text of {row.Id}", context);
            System.Text.Json.JsonElement.DeepEquals(result.Metadata.ShouldNotBeNull(), row.Metadata).ShouldBeTrue(context);
        }
    }
}
