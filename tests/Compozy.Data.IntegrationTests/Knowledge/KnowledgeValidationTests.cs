using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>Bad writes and searches are refused naming the field, and a refused write changes nothing.</summary>
public sealed class KnowledgeValidationTests
{
    private const string Name = "checked";
    private const int Dimension = 4;

    public static TheoryData<DatabaseKind, string> BadWrites()
    {
        var data = new TheoryData<DatabaseKind, string>();
        foreach (var database in new DatabaseDataAttribute().GetData(null!).Select(row => (DatabaseKind)row[0]))
        {
            foreach (var name in WriteCases.Keys)
            {
                data.Add(database, name);
            }
        }

        return data;
    }

    /// <summary>Each bad write, with the field it must be refused on and a word its message must hold.</summary>
    private static Dictionary<string, (VectorChunk[] Chunks, string Field, string Says)> WriteCases { get; } = new()
    {
        ["wrong dimension"] = ([Good("n1"), Chunk("n2", [1, 2, 3])], "chunks[1].embedding", "dimension is 4"),
        ["NaN"] = ([Chunk("n1", [1, float.NaN, 0, 0]), Good("n2")], "chunks[0].embedding", "NaN"),
        ["infinity"] = ([Good("n1"), Chunk("n2", [float.PositiveInfinity, 0, 0, 0])], "chunks[1].embedding", "Infinity"),
        ["empty"] = ([], "chunks", "allowed: 1 to 1000"),
        ["duplicate id"] = ([Good("n1"), Good("n1")], "chunks[1].id", "more than once"),
        ["too many"] = (Enumerable.Range(0, KnowledgeLimits.MaxChunksPerWrite + 1).Select(index => Good($"m{index}")).ToArray(), "chunks", "allowed: 1 to 1000"),
        ["text with a lone surrogate"] = ([Good("n1"), Good("n2") with { Text = "half \ud800 a pair" }], "chunks[1].text", "lone UTF-16 surrogate"),
        ["text with NUL"] = ([Good("n1") with { Text = "a\0b" }], "chunks[0].text", "\\u0000"),
        ["metadata with NUL"] = ([Good("n1") with { Metadata = Json("""{"lang":"e\u0000n"}""") }], "chunks[0].metadata.lang", "\\u0000"),
        ["metadata with a key twice"] = ([Good("n1") with { Metadata = Json("""{"lang":"en","lang":"fr"}""") }], "chunks[0].metadata.lang", "more than once"),
        ["metadata with an unstorable number"] = ([Good("n1") with { Metadata = Json("""{"size":1e-20000}""") }], "chunks[0].metadata.size", "exponent from -1000 to 1000"),
        ["id that a path cannot carry"] = ([Good("..")], "chunks[0].id", "URL path"),
    };

    [Theory, MemberData(nameof(BadWrites))]
    public async Task A_bad_write_is_refused_naming_the_field_and_writes_nothing(DatabaseKind database, string badWrite)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_bad_write");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(Name, Dimension, VectorMetric.Cosine));
        await knowledge.UpsertChunksAsync(Name, [Good("a"), Good("b"), Good("c")]);
        var before = await StateAsync(db);

        var (chunks, field, says) = WriteCases[badWrite];
        var error = await Should.ThrowAsync<RequestValidationException>(() => knowledge.UpsertChunksAsync(Name, chunks));

        error.Errors.Keys.ShouldBe([field], badWrite);
        error.Errors[field].ShouldContain(problem => problem.Contains(says, StringComparison.Ordinal), badWrite);
        error.Message.ShouldContain(field);
        (await StateAsync(db)).ShouldBe(before, $"{badWrite}: nothing written, the revision unchanged");
    }

    [Theory, DatabaseData]
    public async Task A_bad_search_is_refused_naming_the_field(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_bad_search");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(Name, Dimension, VectorMetric.Cosine));
        await knowledge.UpsertChunksAsync(Name, [Good("a"), Good("b")]);
        float[] query = [1, 0, 0, 0];

        (await knowledge.SearchAsync(Name, new VectorQuery(query, VectorStoreOptionNames.DefaultMaxTopK, VectorDataset.NoFilter))).Count.ShouldBe(2);
        await ShouldNameAsync(knowledge, new VectorQuery(query, 0, VectorDataset.NoFilter), "top_k", "from 1 to 100");
        await ShouldNameAsync(knowledge, new VectorQuery(query, VectorStoreOptionNames.DefaultMaxTopK + 1, VectorDataset.NoFilter), "top_k", "from 1 to 100");
        await ShouldNameAsync(knowledge, new VectorQuery(new float[Dimension + 1], 5, VectorDataset.NoFilter), "embedding", "dimension is 4");
        await ShouldNameAsync(knowledge, new VectorQuery(new[] { 0, float.NaN, 0, 0 }, 5, VectorDataset.NoFilter), "embedding", "NaN");
        await ShouldNameAsync(
            knowledge,
            new VectorQuery(query, 5, new Dictionary<string, JsonElement> { ["source"] = JsonSerializer.SerializeToElement(new { nested = 1 }) }),
            "filter.source",
            "string, number or boolean");
    }

    private static async Task ShouldNameAsync(IKnowledgeStore knowledge, VectorQuery query, string field, string says)
    {
        var error = await Should.ThrowAsync<RequestValidationException>(() => knowledge.SearchAsync(Name, query));
        error.Errors.Keys.ShouldBe([field]);
        error.Errors[field].ShouldContain(problem => problem.Contains(says, StringComparison.Ordinal));
    }

    private static async Task<(int Chunks, int Documents, long Revision, string Ids)> StateAsync(TestDatabase db)
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        var ids = await context.KnowledgeChunks.Where(chunk => chunk.KnowledgeBaseName == Name).Select(chunk => chunk.Id).OrderBy(id => id).ToListAsync();
        return (
            ids.Count,
            await context.KnowledgeDocuments.CountAsync(document => document.KnowledgeBaseName == Name),
            (await context.KnowledgeBases.SingleAsync(knowledgeBase => knowledgeBase.Name == Name)).Revision,
            string.Join(",", ids));
    }

    [Theory, DatabaseData]
    public async Task A_dimension_beyond_the_vector_databases_limit_is_refused_before_the_store_is_asked(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_dimension");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        var registry = db.Services.GetRequiredService<VectorStoreRegistry>();

        // The default store's provider declares it: pgvector's HNSW index takes 2,000; the embedded store all 16,000.
        var limit = registry.MaxDimension(registry.DefaultEntry("vector_db"));
        limit.ShouldBe(database == DatabaseKind.Postgres ? 2000 : KnowledgeLimits.MaxDimension);
        var error = await Should.ThrowAsync<RequestValidationException>(() => knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("wide", limit + 1)));

        error.Errors.Keys.ShouldBe(["dimension"]);
        error.Errors["dimension"].ShouldContain(problem => problem.Contains($"is {limit + 1}; allowed: an integer from 1 to {limit}", StringComparison.Ordinal));
        (await knowledge.ListKnowledgeBasesAsync()).ShouldBeEmpty();
        (await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("wide", limit))).Created.ShouldBeTrue();
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static VectorChunk Good(string id) => Chunk(id, [0.5f, 0.25f, 0, 1]);

    private static VectorChunk Chunk(string id, float[] embedding) => new(id, $"doc-{id}", $"text {id}", embedding, null);
}
