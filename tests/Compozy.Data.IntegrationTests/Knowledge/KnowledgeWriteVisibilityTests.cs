using System.Buffers.Binary;
using System.Globalization;
using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// Every committed write is seen by the next search, whoever wrote it: this host (the embedded
/// store's cached matrix must not outlive its revision), another host over the same database, or
/// a raw SQL write that bumps the revision as another process of the store would.
/// </summary>
public sealed class KnowledgeWriteVisibilityTests
{
    private const int Dimension = 8;
    private const string Name = "visible";

    [Theory, DatabaseData]
    public async Task Upserts_and_deletes_of_this_host_are_seen_by_the_next_search(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_visible");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var model = await CreateAsync(knowledge);
        var query = VectorDataset.Gaussian(new Random(11), Dimension);
        await SearchShouldMatchAsync(db, knowledge, model, query, "before any change");

        await knowledge.UpsertChunksAsync(Name, [Chunk("x05", "d0", query)]);
        model["x05"] = model["x05"] with { Embedding = query };
        var top = await SearchShouldMatchAsync(db, knowledge, model, query, "x05 moved onto the query");
        top[0].Id.ShouldBe("x05");
        top[0].Score.ShouldBe(0, 1e-6);

        var far = query.Select(value => value + 100).ToArray();
        await knowledge.UpsertChunksAsync(Name, [Chunk("x05", "d0", far), Chunk("y00", "d9", VectorDataset.Gaussian(new Random(12), Dimension))]);
        model["x05"] = model["x05"] with { Embedding = far };
        model["y00"] = new DatasetRow("y00", "d9", VectorDataset.Gaussian(new Random(12), Dimension), "g0", true, 0);
        (await SearchShouldMatchAsync(db, knowledge, model, query, "x05 moved away, y00 added"))[^1].Id.ShouldBe("x05");

        (await knowledge.DeleteChunksAsync(Name, ["x07", "no-such-chunk"])).ShouldBe(1);
        model.Remove("x07");
        await SearchShouldMatchAsync(db, knowledge, model, query, "x07 deleted");

        (await knowledge.DeleteDocumentAsync(Name, "d2")).ShouldBe(10);
        foreach (var id in model.Values.Where(row => row.DocumentId == "d2").Select(row => row.Id).ToList())
        {
            model.Remove(id);
        }

        var afterDocument = await SearchShouldMatchAsync(db, knowledge, model, query, "document d2 deleted");
        afterDocument.ShouldNotContain(result => result.DocumentId == "d2");
        afterDocument.Count.ShouldBe(50);
    }

    [Theory, DatabaseData]
    public async Task Writes_of_another_host_over_the_same_database_are_seen_by_the_next_search(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_other_host");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var model = await CreateAsync(knowledge);
        var query = VectorDataset.Gaussian(new Random(21), Dimension);
        await SearchShouldMatchAsync(db, knowledge, model, query, "before the other host writes");

        await using (var other = TestDatabase.BuildServices(db.Settings))
        {
            var otherKnowledge = other.GetRequiredService<IKnowledgeStore>();
            await otherKnowledge.UpsertChunksAsync(Name, [Chunk("x13", "d1", query)]);
            model["x13"] = model["x13"] with { Embedding = query };
            (await SearchShouldMatchAsync(db, knowledge, model, query, "the other host moved x13 onto the query"))[0].Id.ShouldBe("x13");

            (await otherKnowledge.DeleteDocumentAsync(Name, "d1")).ShouldBe(10);
            foreach (var id in model.Values.Where(row => row.DocumentId == "d1").Select(row => row.Id).ToList())
            {
                model.Remove(id);
            }

            (await SearchShouldMatchAsync(db, knowledge, model, query, "the other host deleted document d1")).ShouldNotContain(result => result.DocumentId == "d1");
        }
    }

    [Fact]
    public async Task A_raw_write_to_the_sqlite_file_that_bumps_the_revision_is_seen_by_the_next_search()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "kb_raw");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var model = await CreateAsync(knowledge);
        var query = VectorDataset.Gaussian(new Random(31), Dimension);
        (await SearchShouldMatchAsync(db, knowledge, model, query, "before the raw write"))[0].Id.ShouldNotBe("x42");

        // As another process of the embedded store writes: new bytes and the revision bumped, in one transaction.
        var blob = new byte[Dimension * sizeof(float)];
        for (var index = 0; index < Dimension; index++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(index * sizeof(float)), query[index]);
        }

        await db.ExecuteRawAsync(
            $"BEGIN; UPDATE knowledge_chunks SET embedding = X'{Convert.ToHexString(blob)}' WHERE knowledge_base_name = '{Name}' AND id = 'x42'; " +
            $"UPDATE knowledge_bases SET revision = revision + 1 WHERE name = '{Name}'; COMMIT;");
        model["x42"] = model["x42"] with { Embedding = query };

        var top = await SearchShouldMatchAsync(db, knowledge, model, query, "after the raw write");
        top[0].Id.ShouldBe("x42");
        top[0].Score.ShouldBe(0);
    }

    /// <summary>60 chunks in documents d0 to d5 (ten each), L2.</summary>
    private static async Task<Dictionary<string, DatasetRow>> CreateAsync(IKnowledgeStore knowledge)
    {
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(Name, Dimension, VectorMetric.L2));
        var random = new Random(5);
        var rows = Enumerable.Range(0, 60)
            .Select(index => new DatasetRow(
                string.Create(CultureInfo.InvariantCulture, $"x{index:D2}"), string.Create(CultureInfo.InvariantCulture, $"d{index / 10}"), VectorDataset.Gaussian(random, Dimension), "g0", true, 0))
            .ToDictionary(row => row.Id, StringComparer.Ordinal);
        await knowledge.UpsertChunksAsync(Name, rows.Values.Select(row => row.ToChunk()).ToList());
        return rows;
    }

    private static VectorChunk Chunk(string id, string document, float[] embedding) =>
        new DatasetRow(id, document, embedding, "g0", true, 0).ToChunk();

    /// <summary>Searches every chunk and checks the ranking against the model of what was written.</summary>
    private static async Task<IReadOnlyList<VectorSearchResult>> SearchShouldMatchAsync(
        TestDatabase db, IKnowledgeStore knowledge, Dictionary<string, DatasetRow> model, float[] query, string step)
    {
        var results = await knowledge.SearchAsync(Name, new VectorQuery(query, 100, VectorDataset.NoFilter));
        var reference = ReferenceRanking.Rank(VectorMetric.L2, model.Values, query);
        var exactStore = db.Services.GetRequiredService<VectorStoreRegistry>().Store(Compozy.Data.Configuration.VectorDatabaseOptions.DefaultId) is not PgVectorStore;

        // With fewer rows than hnsw.ef_search (at least top_k), the HNSW search visits every row: exact here too.
        RankingAssert.ShouldBeTopK(results, reference, 100, step, strictTies: exactStore);
        return results;
    }
}
