using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Sqlite.Knowledge;
using Compozy.Data.Startup;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// At start, once the schema is current, every knowledge base is checked against the
/// configuration: a vector database whose dimension changed under it, or that is gone, stops the
/// start with a message naming the knowledge base and the setting.
/// </summary>
public sealed class KnowledgeStartupCheckTests
{
    [Theory, DatabaseData]
    public async Task Start_fails_naming_the_knowledge_base_when_its_vector_database_now_has_another_dimension(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_startup", Entry(database, dimension: 8));
        await db.MigrateAsync();
        var knowledge = db.Services.GetRequiredService<IKnowledgeStore>();
        await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("manuals", 8, VectorDbId: "docs"));
        await knowledge.UpsertChunksAsync("manuals", [new VectorChunk("c1", "d1", "text", new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }, null)]);

        // The configuration it was created with starts.
        await db.Services.GetRequiredService<DatabaseInitializer>().StartAsync(CancellationToken.None);

        await using var changed = TestDatabase.BuildServices(With(db.Settings, Entry(database, dimension: 16)));
        var initializer = changed.GetRequiredService<DatabaseInitializer>();
        var error = await Should.ThrowAsync<VectorStoreException>(() => initializer.StartAsync(CancellationToken.None));

        error.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        error.Message.ShouldContain("'manuals'");
        error.Message.ShouldContain("dimension 8");
        error.Message.ShouldContain("knowledge.vector_dbs[0]");
        error.Message.ShouldContain("dimension: 16");
        initializer.IsInitialized.ShouldBeFalse();
    }

    [Theory, DatabaseData]
    public async Task Start_fails_naming_the_vector_database_when_a_knowledge_base_refers_to_one_no_longer_configured(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "kb_startup_gone", Entry(database, dimension: 8));
        await db.MigrateAsync();
        await db.Services.GetRequiredService<IKnowledgeStore>().PutKnowledgeBaseAsync(new KnowledgeBaseRequest("manuals", 8, VectorDbId: "docs"));

        var withoutEntry = db.Settings.Where(setting => !setting.Key.StartsWith("knowledge:", StringComparison.OrdinalIgnoreCase)).ToDictionary();
        await using var changed = TestDatabase.BuildServices(withoutEntry);
        var error = await Should.ThrowAsync<VectorStoreException>(() => changed.GetRequiredService<DatabaseInitializer>().StartAsync(CancellationToken.None));

        error.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        error.Message.ShouldContain("\"docs\"");
        error.Message.ShouldContain("knowledge.vector_dbs");
    }

    /// <summary>The store that keeps vectors in the database itself: the one provider each driver has without a server of its own.</summary>
    internal static Dictionary<string, string?> Entry(DatabaseKind database, int dimension) => new()
    {
        ["knowledge:vector_dbs:0:id"] = "docs",
        ["knowledge:vector_dbs:0:provider"] = database == DatabaseKind.Sqlite ? EmbeddedVectorStoreProvider.ProviderName : PgVectorStoreProvider.ProviderName,
        ["knowledge:vector_dbs:0:dimension"] = dimension.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["knowledge:vector_dbs:0:metric"] = "cosine",
    };

    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> settings, Dictionary<string, string?> overrides)
    {
        var merged = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides)
        {
            merged[key] = value;
        }

        return merged;
    }
}
