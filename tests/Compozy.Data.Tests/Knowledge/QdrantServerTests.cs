using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// The Qdrant store against a real server (<see cref="QdrantServerFactAttribute"/>): a collection
/// of its own, created, filled, searched, emptied and dropped.
/// </summary>
public sealed class QdrantServerTests
{
    private const int Dimension = 8;
    private const int Rows = 300;

    [QdrantServerFact]
    public async Task A_real_server_stores_searches_filters_and_deletes_like_the_reference()
    {
        var url = new Uri(Environment.GetEnvironmentVariable(QdrantServerFactAttribute.UrlVariable)!);
        var collection = $"compozy_test_{Guid.NewGuid():N}";
        var entry = QdrantTestStores.Entry(
            dimension: Dimension,
            metric: VectorMetric.Cosine,
            apiKey: Environment.GetEnvironmentVariable(QdrantServerFactAttribute.ApiKeyVariable),
            collection: collection,
            url: url);
        using var store = QdrantTestStores.Store(entry, TimeProvider.System);
        var knowledgeBase = QdrantTestStores.KnowledgeBase(entry);
        var random = new Random(20261122);
        var rows = Enumerable.Range(0, Rows)
            .Select(index => (
                Id: $"c-{index:D4}",
                Group: index % 3,
                Vector: Enumerable.Range(0, Dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()))
            .ToList();

        try
        {
            await store.CheckAsync(CancellationToken.None);
            await store.EnsureKnowledgeBaseAsync(knowledgeBase, CancellationToken.None);
            await store.EnsureKnowledgeBaseAsync(knowledgeBase, CancellationToken.None);
            await store.UpsertChunksAsync(
                knowledgeBase,
                rows.Select(row => new VectorChunk(
                    row.Id, $"doc-{row.Group}", $"text of {row.Id}", row.Vector, JsonDocument.Parse($$"""{"group":{{row.Group}}}""").RootElement)).ToList(),
                CancellationToken.None);

            var query = Enumerable.Range(0, Dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var expected = rows.OrderByDescending(row => Cosine(query, row.Vector)).Take(10).Select(row => row.Id).ToList();
            var results = await store.SearchAsync(knowledgeBase, new VectorQuery(query, 10, new Dictionary<string, JsonElement>()), CancellationToken.None);

            // A collection this small is searched exhaustively by Qdrant (below its full-scan threshold).
            results.Select(result => result.Id).ShouldBe(expected);
            results[0].Text.ShouldBe($"text of {expected[0]}");
            results[0].Metadata!.Value.GetProperty("group").GetInt32().ShouldBe(rows.Single(row => row.Id == expected[0]).Group);

            var filter = new Dictionary<string, JsonElement> { ["group"] = JsonDocument.Parse("1").RootElement };
            var filtered = await store.SearchAsync(knowledgeBase, new VectorQuery(query, 10, filter), CancellationToken.None);
            filtered.Select(result => result.Id).ShouldBe(
                rows.Where(row => row.Group == 1).OrderByDescending(row => Cosine(query, row.Vector)).Take(10).Select(row => row.Id));

            await store.DeleteChunksAsync(knowledgeBase, [expected[0]], CancellationToken.None);
            await store.DeleteDocumentAsync(knowledgeBase, "doc-2", CancellationToken.None);
            var after = await store.SearchAsync(knowledgeBase, new VectorQuery(query, 10, new Dictionary<string, JsonElement>()), CancellationToken.None);
            after.Select(result => result.Id).ShouldBe(
                rows.Where(row => row.Id != expected[0] && row.Group != 2).OrderByDescending(row => Cosine(query, row.Vector)).Take(10).Select(row => row.Id));

            await store.DeleteKnowledgeBaseAsync(knowledgeBase, CancellationToken.None);
            (await store.SearchAsync(knowledgeBase, new VectorQuery(query, 10, new Dictionary<string, JsonElement>()), CancellationToken.None)).ShouldBeEmpty();
        }
        finally
        {
            using var connection = new QdrantConnection(QdrantStoreSettings.From(entry));
            await connection.Client.DeleteCollectionAsync(collection);
        }
    }

    private static double Cosine(float[] left, float[] right)
    {
        double dot = 0, leftNorm = 0, rightNorm = 0;
        for (var index = 0; index < left.Length; index++)
        {
            dot += (double)left[index] * right[index];
            leftNorm += (double)left[index] * left[index];
            rightNorm += (double)right[index] * right[index];
        }

        return dot / Math.Sqrt(leftNorm * rightNorm);
    }
}
