using System.Globalization;
using Compozy.Data.Knowledge;
using Compozy.Data.Sqlite.Knowledge;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// The embedded store over its <c>max_memory</c> bound scans rows from the database instead of
/// caching a matrix, and answers exactly as the cached path does.
/// </summary>
public sealed class EmbeddedStreamingTests
{
    private const int Rows = 2000;

    // 2,000 rows of 160 float32 values are about 1.4 MB with their overhead: over the 1MB lower bound.
    private const int Dimension = 160;

    [Fact]
    public async Task Over_max_memory_the_embedded_store_streams_and_returns_what_the_cached_matrix_returns()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "kb_stream", Entries(maxMemory: null));
        await db.MigrateAsync();
        var cached = db.Services.GetRequiredService<IKnowledgeStore>();
        var tinySettings = new Dictionary<string, string?>(db.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(maxMemory: "1MB"))
        {
            tinySettings[key] = value;
        }

        await using var tiny = TestDatabase.BuildServices(tinySettings);
        var streamed = tiny.GetRequiredService<IKnowledgeStore>();
        var random = new Random(424242);

        foreach (var metric in Enum.GetValues<VectorMetric>())
        {
            var id = Id(metric);
            var name = $"stream-{id}";
            await cached.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(name, Dimension, metric, id));
            var data = VectorDataset.Create(random, Rows, Dimension);
            await data.WriteAsync(cached, name);

            for (var number = 0; number < 8; number++)
            {
                var query = number < 6 ? VectorDataset.Gaussian(random, Dimension) : data.Row(data.Duplicates[number].Original).Embedding;
                var (filter, keep, filterName) = number % 2 == 0 ? (VectorDataset.NoFilter, (Func<DatasetRow, bool>)(_ => true), "none") : VectorDataset.Filters[number % VectorDataset.Filters.Count];
                var context = string.Create(CultureInfo.InvariantCulture, $"{metric}, query {number}, filter {filterName}");
                var fromMatrix = await cached.SearchAsync(name, new VectorQuery(query, 20, filter));
                var fromRows = await streamed.SearchAsync(name, new VectorQuery(query, 20, filter));

                // The same kernels over the same values: equal, not just close.
                fromRows.Select(result => (result.Id, result.Score)).ShouldBe(fromMatrix.Select(result => (result.Id, result.Score)), context);
                RankingAssert.ShouldBeTopK(fromRows, ReferenceRanking.Rank(metric, data.Rows, query, keep), 20, context);
            }

            var matrixStore = (EmbeddedVectorStore)db.Services.GetRequiredService<VectorStoreRegistry>().Store(id);
            var streamingStore = (EmbeddedVectorStore)tiny.GetRequiredService<VectorStoreRegistry>().Store(id);
            matrixStore.Cache.Bytes.ShouldBeGreaterThan(1L << 20, $"{metric}: the default bound caches the matrix");
            streamingStore.Cache.MaxBytes.ShouldBe(1L << 20);
            streamingStore.Cache.Bytes.ShouldBe(0, $"{metric}: nothing cached over the bound, so these searches streamed");
        }
    }

    private static string Id(VectorMetric metric) => metric.ToString().ToLowerInvariant();

    /// <summary>One embedded entry per metric, named after it.</summary>
    private static Dictionary<string, string?> Entries(string? maxMemory)
    {
        var settings = new Dictionary<string, string?>();
        var index = 0;
        foreach (var metric in Enum.GetValues<VectorMetric>())
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"knowledge:vector_dbs:{index++}:");
            settings[prefix + "id"] = Id(metric);
            settings[prefix + "provider"] = EmbeddedVectorStoreProvider.ProviderName;
            settings[prefix + "dimension"] = Dimension.ToString(CultureInfo.InvariantCulture);
            settings[prefix + "metric"] = Id(metric);
            if (maxMemory is not null)
            {
                settings[prefix + "options:" + EmbeddedVectorStoreProvider.MaxMemory] = maxMemory;
            }
        }

        return settings;
    }
}
