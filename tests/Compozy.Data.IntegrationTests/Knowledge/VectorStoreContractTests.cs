using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Qdrant;
using Compozy.Data.Sqlite.Knowledge;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>
/// The three vector stores keep one contract: the same bad input is refused by each with the same
/// kind and the same problem text before anything is sent, and a database that cannot be reached
/// is reported by each as <see cref="VectorStoreErrorKind.Unavailable"/>, named after the entry.
/// </summary>
public sealed class VectorStoreContractTests
{
    private const int Dimension = 4;
    private const int MaxTopK = 7;
    private static readonly KnowledgeBaseDefinition KnowledgeBase = new("contract", "store", Dimension, VectorMetric.Cosine);
    private static readonly IReadOnlyDictionary<string, JsonElement> NoFilter = new Dictionary<string, JsonElement>();

    public static TheoryData<string, string> StoresAndBadInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var store in Stores)
        {
            foreach (var input in BadInputs.Keys)
            {
                data.Add(store, input);
            }
        }

        return data;
    }

    public static TheoryData<string> EveryStore() => [.. Stores];

    private static string[] Stores { get; } = [EmbeddedVectorStoreProvider.ProviderName, PgVectorStoreProvider.ProviderName, QdrantVectorStoreProvider.ProviderName];

    /// <summary>Each bad input, as a call on a store, with the problem every store must report for it.</summary>
    private static Dictionary<string, (Func<IVectorStore, Task> Call, string Problem)> BadInputs { get; } = new()
    {
        ["chunk of another dimension"] = (
            store => store.UpsertChunksAsync(KnowledgeBase, [Chunk("a", [1, 0, 0, 0]), Chunk("b", [1, 0, 0])], CancellationToken.None),
            "chunk 1 (\"b\") of knowledge base 'contract': its embedding has 3 values; the knowledge base's dimension is 4; nothing was written"),
        ["chunk with NaN"] = (
            store => store.UpsertChunksAsync(KnowledgeBase, [Chunk("a", [1, float.NaN, 0, 0])], CancellationToken.None),
            "chunk 0 (\"a\") of knowledge base 'contract': its embedding value 1 (counting from 0) is NaN; every value must be a finite number; nothing was written"),
        ["chunk without an id"] = (
            store => store.UpsertChunksAsync(KnowledgeBase, [Chunk("", [1, 0, 0, 0])], CancellationToken.None),
            "chunk 0 (\"\") of knowledge base 'contract' needs an id, a document id and a text; nothing was written"),
        ["chunk whose metadata is an array"] = (
            store => store.UpsertChunksAsync(KnowledgeBase, [Chunk("a", [1, 0, 0, 0]) with { Metadata = JsonDocument.Parse("[1]").RootElement }], CancellationToken.None),
            "chunk 0 (\"a\") of knowledge base 'contract': its metadata is array; it must be a JSON object; nothing was written"),
        ["query of another dimension"] = (
            store => store.SearchAsync(KnowledgeBase, new VectorQuery(new float[] { 1, 0, 0, 0, 0 }, 3, NoFilter), CancellationToken.None),
            "the query embedding for knowledge base 'contract' has 5 values; the knowledge base's dimension is 4"),
        ["query with infinity"] = (
            store => store.SearchAsync(KnowledgeBase, new VectorQuery(new[] { 1, 0, float.NegativeInfinity, 0 }, 3, NoFilter), CancellationToken.None),
            "the query embedding for knowledge base 'contract' value 2 (counting from 0) is -Infinity; every value must be a finite number"),
        ["top_k of 0"] = (
            store => store.SearchAsync(KnowledgeBase, new VectorQuery(new float[] { 1, 0, 0, 0 }, 0, NoFilter), CancellationToken.None),
            "top_k is 0; allowed: an integer from 1 to 7 (options.max_top_k of knowledge.vector_dbs[0])"),
        ["top_k above options.max_top_k"] = (
            store => store.SearchAsync(KnowledgeBase, new VectorQuery(new float[] { 1, 0, 0, 0 }, MaxTopK + 1, NoFilter), CancellationToken.None),
            "top_k is 8; allowed: an integer from 1 to 7 (options.max_top_k of knowledge.vector_dbs[0])"),
    };

    [Theory, MemberData(nameof(StoresAndBadInputs))]
    public async Task The_same_bad_input_is_refused_by_every_store_with_the_same_kind_and_problem(string provider, string input)
    {
        await using var db = await ReachableAsync(provider);
        var store = db.Services.GetRequiredService<VectorStoreRegistry>().Store(KnowledgeBase.VectorDbId);
        var (call, problem) = BadInputs[input];

        var refused = await Should.ThrowAsync<VectorStoreException>(() => call(store));

        refused.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest, input);
        refused.Problem.ShouldBe(problem, input);
        refused.Store.ShouldNotBeNull().ShouldStartWith("knowledge.vector_dbs[0] (");
        refused.Message.ShouldBe($"{refused.Store}: {problem}");
    }

    [Theory, MemberData(nameof(EveryStore))]
    public async Task A_database_that_cannot_be_reached_is_reported_as_unavailable_by_every_store(string provider)
    {
        await using var services = Unreachable(provider);
        var store = services.GetRequiredService<VectorStoreRegistry>().Store(KnowledgeBase.VectorDbId);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable, failure.Message);
        failure.Store.ShouldNotBeNull().ShouldStartWith("knowledge.vector_dbs[0] (");
        failure.Problem.ShouldContain("could not be reached");
    }

    private static VectorChunk Chunk(string id, float[] embedding) => new(id, "doc", $"text of {id}", embedding, null);

    /// <summary>A migrated database of the store's provider, with the store as entry 0.</summary>
    private static async Task<TestDatabase> ReachableAsync(string provider)
    {
        var database = provider == PgVectorStoreProvider.ProviderName ? DatabaseKind.Postgres : DatabaseKind.Sqlite;
        var db = await TestDatabase.CreateAsync(database, "vector_contract", Entry(provider));
        return await db.MigrateAsync();
    }

    /// <summary>Services whose store (and, for the stores in the database, the database) is at an address where nothing answers.</summary>
    private static ServiceProvider Unreachable(string provider)
    {
        var settings = new Dictionary<string, string?>(Entry(provider), StringComparer.OrdinalIgnoreCase);
        if (provider == PgVectorStoreProvider.ProviderName)
        {
            settings["database:driver"] = "postgres";
            settings["database:conn_string"] = string.Create(
                CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={UnusedPort()};Username=nobody;Password=unused;Database=none;Timeout=5");
        }
        else
        {
            settings["database:driver"] = "sqlite";
            settings["database:path"] = Path.Combine(Path.GetTempPath(), $"compozy-test-missing-{Guid.NewGuid():N}", "compozy.db");
        }

        return TestDatabase.BuildServices(settings);
    }

    private static Dictionary<string, string?> Entry(string provider)
    {
        var entry = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["knowledge:vector_dbs:0:id"] = KnowledgeBase.VectorDbId,
            ["knowledge:vector_dbs:0:provider"] = provider,
            ["knowledge:vector_dbs:0:dimension"] = Dimension.ToString(CultureInfo.InvariantCulture),
            ["knowledge:vector_dbs:0:metric"] = "cosine",
            ["knowledge:vector_dbs:0:options:max_top_k"] = MaxTopK.ToString(CultureInfo.InvariantCulture),
        };
        if (provider == QdrantVectorStoreProvider.ProviderName)
        {
            // Nothing listens there: bad input must be refused before any call, and the check
            // meets a refused connection.
            entry["knowledge:vector_dbs:0:url"] = "http://127.0.0.1:6333";
            entry[$"knowledge:vector_dbs:0:options:{QdrantVectorStoreProvider.GrpcPort}"] = UnusedPort().ToString(CultureInfo.InvariantCulture);
            entry[$"knowledge:vector_dbs:0:options:{QdrantVectorStoreProvider.MaxRetries}"] = "0";
        }

        return entry;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
