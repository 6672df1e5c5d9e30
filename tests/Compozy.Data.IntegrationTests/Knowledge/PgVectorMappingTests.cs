using Compozy.Data.Entities;
using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector;
using Pgvector.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// The embedding mapped through Pgvector.EntityFrameworkCore: EF round-trips of embeddings bit for
/// bit, refusal of values pgvector cannot hold (naming the value, which neither the package nor the
/// server does), the package's distance functions in LINQ, the <c>vector</c> column, and the
/// per-knowledge-base HNSW indexes with their metric's operator class.
/// </summary>
public sealed class PgVectorMappingTests
{
    [Fact]
    public async Task Embeddings_of_1_3_768_and_2000_values_round_trip_through_ef_bit_for_bit()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Postgres, "pgvector_roundtrip");
        await db.MigrateAsync();
        var random = new Random(768);
        var written = new Dictionary<int, float[]>();
        foreach (var dimension in new[] { 1, 3, 768, 2000 })
        {
            var values = VectorDataset.Gaussian(random, dimension);

            // The awkward floats: negative zero, the smallest subnormal, the extremes, and values with no short decimal form.
            float[] awkward = [-0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1f / 3, 0.1f, 16_777_217f];
            for (var index = 0; index < Math.Min(dimension, awkward.Length); index++)
            {
                values[(index * 7) % dimension] = awkward[index];
            }

            written[dimension] = values;
            await WriteChunkAsync(db, $"dim{dimension}", values);
        }

        await using var context = await db.Contexts.CreateDbContextAsync();
        foreach (var (dimension, values) in written)
        {
            var stored = await context.KnowledgeChunks.AsNoTracking().SingleAsync(chunk => chunk.KnowledgeBaseName == $"dim{dimension}");
            stored.Embedding.Select(BitConverter.SingleToInt32Bits).ShouldBe(values.Select(BitConverter.SingleToInt32Bits), $"dimension {dimension}");
        }

        // And as pgvector itself reads them: the server agrees on the dimension.
        await using var connection = new NpgsqlConnection(db.Location);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT knowledge_base_name, vector_dims(embedding) FROM knowledge_chunks ORDER BY 2", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var dimensions = new List<int>();
        while (await reader.ReadAsync())
        {
            dimensions.Add(reader.GetInt32(1));
        }

        dimensions.ShouldBe([1, 3, 768, 2000]);
    }

    [Fact]
    public async Task A_nan_or_infinite_embedding_is_refused_with_a_message_naming_it_and_nothing_is_written()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Postgres, "pgvector_nan");
        await db.MigrateAsync();

        foreach (var (bad, says) in new[] { (float.NaN, "NaN"), (float.NegativeInfinity, "-Infinity") })
        {
            var error = await Should.ThrowAsync<Exception>(() => WriteChunkAsync(db, "bad", [1, 2, bad]));
            var messages = string.Join(" | ", Chain(error).Select(exception => exception.Message));
            messages.ShouldContain(says);
            messages.ShouldContain("value 2");
        }

        await using var context = await db.Contexts.CreateDbContextAsync();
        (await context.KnowledgeChunks.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Linq_orders_chunks_by_the_packages_distance_functions_on_the_models_embedding()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Postgres, "pgvector_linq");
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("linq", 3, VectorMetric.Cosine));
        await knowledge.UpsertChunksAsync("linq",
        [
            new VectorChunk("far", "d", "far", new float[] { -1, 0, 0 }, null),
            new VectorChunk("near", "d", "near", new float[] { 1, 0.1f, 0 }, null),
            new VectorChunk("middle", "d", "middle", new float[] { 0, 1, 0 }, null),
        ]);

        // A captured Vector: the package writes a Vector constant inline without quotes (a syntax
        // error), and a float[] would be sent as real[], which no distance operator takes.
        var query = new Vector(new float[] { 1, 0, 0 });
        await using var context = await db.Contexts.CreateDbContextAsync();
        var byCosine = await context.KnowledgeChunks
            .Where(chunk => chunk.KnowledgeBaseName == "linq")
            .OrderBy(chunk => chunk.Embedding.CosineDistance(query))
            .Select(chunk => new { chunk.Id, Distance = chunk.Embedding.CosineDistance(query) })
            .ToListAsync();
        byCosine.Select(row => row.Id).ShouldBe(["near", "middle", "far"]);
        byCosine[1].Distance.ShouldBe(1, tolerance: 1e-6);
        byCosine[2].Distance.ShouldBe(2, tolerance: 1e-6);

        var byL2 = await context.KnowledgeChunks
            .Where(chunk => chunk.KnowledgeBaseName == "linq")
            .OrderByDescending(chunk => chunk.Embedding.L2Distance(query))
            .Select(chunk => chunk.Id)
            .ToListAsync();
        byL2.ShouldBe(["far", "middle", "near"]);
    }

    [Fact]
    public async Task The_embedding_column_is_a_vector_and_each_knowledge_base_gets_an_hnsw_index_with_its_metrics_operator_class()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Postgres, "pgvector_schema");
        await db.MigrateAsync();
        (await ScalarAsync<string>(db, "SELECT udt_name FROM information_schema.columns WHERE table_name = 'knowledge_chunks' AND column_name = 'embedding'")).ShouldBe("vector");
        (await ScalarAsync<long>(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'knowledge_chunks' AND indexdef LIKE '%USING hnsw%'")).ShouldBe(0);

        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        foreach (var (metric, dimension) in new[] { (VectorMetric.Cosine, 3), (VectorMetric.L2, 768), (VectorMetric.Dot, 2000) })
        {
            var name = $"schema-{metric}".ToLowerInvariant();
            await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(name, dimension, metric));
            var definition = await ScalarAsync<string>(db, $"SELECT indexdef FROM pg_indexes WHERE tablename = 'knowledge_chunks' AND indexname = '{PgVectorSql.IndexName(name)}'");
            definition.ShouldContain("USING hnsw", customMessage: definition);
            definition.ShouldContain($"vector({dimension})", customMessage: definition);
            definition.ShouldContain(PgVectorSql.OperatorClass(metric), customMessage: definition);
            definition.ShouldContain($"knowledge_base_name = '{name}'", customMessage: definition);
        }

        (await ScalarAsync<long>(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'knowledge_chunks' AND indexdef LIKE '%USING hnsw%'")).ShouldBe(3);
        (await ScalarAsync<long>(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'idx_knowledge_chunks_hnsw_%' AND NOT i.indisvalid")).ShouldBe(0);

        await knowledge.DeleteKnowledgeBaseAsync("schema-cosine");
        (await ScalarAsync<long>(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'knowledge_chunks' AND indexdef LIKE '%USING hnsw%'")).ShouldBe(2, "deleting a knowledge base drops its index");
    }

    private static async Task WriteChunkAsync(TestDatabase db, string knowledgeBase, float[] embedding)
    {
        await db.Writer.WriteAsync(async (context, token) =>
        {
            var now = DateTime.UtcNow;
            if (!await context.KnowledgeBases.AnyAsync(candidate => candidate.Name == knowledgeBase, token))
            {
                context.KnowledgeBases.Add(new KnowledgeBase { Name = knowledgeBase, VectorDbId = "default", Dimension = embedding.Length, Metric = VectorMetric.Cosine, CreatedAt = now, UpdatedAt = now });
                context.KnowledgeDocuments.Add(new KnowledgeDocument { KnowledgeBaseName = knowledgeBase, Id = "doc", CreatedAt = now, UpdatedAt = now });
            }

            context.KnowledgeChunks.Add(new KnowledgeChunk
            {
                KnowledgeBaseName = knowledgeBase,
                Id = "chunk",
                DocumentId = "doc",
                Text = "text",
                Embedding = embedding,
                CreatedAt = now,
                UpdatedAt = now,
            });
            return true;
        });
    }

    private static async Task<T> ScalarAsync<T>(TestDatabase db, string sql)
    {
        await using var connection = new NpgsqlConnection(db.Location);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
