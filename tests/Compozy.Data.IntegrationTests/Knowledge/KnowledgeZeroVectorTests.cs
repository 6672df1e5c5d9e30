using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// The cosine with a zero vector has no angle; every store must still answer with a score in
/// [-1, 1] (0, as the embedded store defines it), never NaN, which the HTTP API could not even
/// write as JSON.
/// </summary>
public sealed class KnowledgeZeroVectorTests
{
    [Theory, DatabaseData]
    public async Task Cosine_scores_with_a_zero_vector_are_zero_never_nan(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_zero");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var (knowledgeBase, _) = await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("zero", 4, VectorMetric.Cosine));
        await knowledge.UpsertChunksAsync("zero",
        [
            new VectorChunk("a", "d", "a", new float[] { 1, 0, 0, 0 }, null),
            new VectorChunk("b", "d", "b", new float[] { -1, 0, 0, 0 }, null),
            new VectorChunk("c", "d", "c", new float[] { 0, 1, 0, 0 }, null),
            new VectorChunk("z", "d", "z", new float[] { 0, 0, 0, 0 }, null),
        ]);
        var store = db.Services.GetRequiredService<VectorStoreRegistry>().Store(knowledgeBase.VectorDbId);
        var definition = new KnowledgeBaseDefinition("zero", knowledgeBase.VectorDbId, 4, VectorMetric.Cosine);

        var searches = new List<(string Name, IReadOnlyList<VectorSearchResult> Results)>
        {
            ("stored zero", await knowledge.SearchAsync("zero", new VectorQuery(new float[] { 1, 0, 0, 0 }, 10, VectorDataset.NoFilter))),
            ("zero query", await knowledge.SearchAsync("zero", new VectorQuery(new float[4], 10, VectorDataset.NoFilter))),
        };
        if (store is PgVectorStore pgvector)
        {
            searches.Add(("exact, stored zero", await pgvector.SearchExactAsync(definition, new VectorQuery(new float[] { 1, 0, 0, 0 }, 10, VectorDataset.NoFilter), default)));
            searches.Add(("exact, zero query", await pgvector.SearchExactAsync(definition, new VectorQuery(new float[4], 10, VectorDataset.NoFilter), default)));
        }

        foreach (var (name, results) in searches)
        {
            results.ShouldAllBe(result => result.Score >= -1 && result.Score <= 1, $"{name}: {string.Join(", ", results.Select(result => $"{result.Id}={result.Score}"))}");
            results.Where(result => result.Id == "z").ShouldAllBe(result => result.Score == 0, name);
        }

        // The nearest is still found, and the opposite vector is still the farthest of the non-zero ones.
        var stored = searches[0].Results;
        stored[0].Id.ShouldBe("a");
        stored[0].Score.ShouldBe(1, 1e-6);
        stored.Single(result => result.Id == "b").Score.ShouldBe(-1, 1e-6);
    }
}
