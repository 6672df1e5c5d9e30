using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>Entries, knowledge bases and chunks for the Qdrant store tests.</summary>
public static class QdrantTestStores
{
    public const string ApiKey = "qk-5ecret-do-not-print";

    private const int QdrantEndpointRestPort = 6333;

    public static VectorDatabaseOptions Entry(
        int dimension = 4,
        VectorMetric metric = VectorMetric.Cosine,
        int? batchSize = null,
        int? maxRetries = null,
        string? timeout = null,
        string? apiKey = ApiKey,
        string? collection = null,
        Uri? url = null,
        int? grpcPort = null)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (batchSize is { } batch)
        {
            options[QdrantVectorStoreProvider.BatchSize] = batch.ToString(CultureInfo.InvariantCulture);
        }

        if (maxRetries is { } retries)
        {
            options[QdrantVectorStoreProvider.MaxRetries] = retries.ToString(CultureInfo.InvariantCulture);
        }

        if (timeout is not null)
        {
            options[QdrantVectorStoreProvider.Timeout] = timeout;
        }

        if (apiKey is not null)
        {
            options[QdrantVectorStoreProvider.ApiKey] = apiKey;
        }

        if (collection is not null)
        {
            options[QdrantVectorStoreProvider.Collection] = collection;
        }

        if (grpcPort is { } port)
        {
            options[QdrantVectorStoreProvider.GrpcPort] = port.ToString(CultureInfo.InvariantCulture);
        }

        return new VectorDatabaseOptions
        {
            Index = 1,
            Id = "docs",
            Provider = QdrantVectorStoreProvider.ProviderName,
            Url = url ?? new Uri($"http://127.0.0.1:{QdrantEndpointRestPort}"),
            Dimension = dimension,
            Metric = metric,
            Options = options,
        };
    }

    /// <summary>An entry whose gRPC endpoint is <paramref name="server"/> (its url on the REST port, <c>options.grpc_port</c> the server's).</summary>
    public static VectorDatabaseOptions Entry(
        QdrantFakeServer server,
        int dimension = 4,
        VectorMetric metric = VectorMetric.Cosine,
        int? batchSize = null,
        int? maxRetries = null,
        string? timeout = null,
        string? apiKey = ApiKey,
        string? collection = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return Entry(
            dimension,
            metric,
            batchSize,
            maxRetries,
            timeout,
            apiKey,
            collection,
            new Uri($"{server.Address.Scheme}://{server.Address.Host}:{QdrantEndpointRestPort}"),
            server.Address.Port);
    }

    /// <summary>
    /// The store of <paramref name="entry"/>, waiting on <paramref name="time"/> between retries;
    /// <paramref name="handler"/> replaces Grpc.Net.Client's default HTTP/2 handler (a TLS test's).
    /// Dispose it to close its channel.
    /// </summary>
    internal static QdrantVectorStore Store(VectorDatabaseOptions entry, TimeProvider? time = null, ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        var settings = QdrantStoreSettings.From(entry);
        return new QdrantVectorStore(entry, settings, new QdrantConnection(settings, handler), time ?? new QdrantTestTime(), logger ?? NullLogger.Instance);
    }

    /// <summary>A fake server holding collection <c>docs</c> of <paramref name="size"/> and <paramref name="distance"/>.</summary>
    public static async Task<QdrantFakeServer> ServerWithCollectionAsync(ulong size = 4, Distance distance = Distance.Cosine, string name = "docs")
    {
        var server = await QdrantFakeServer.StartAsync();
        server.Service.AddCollection(name, QdrantFakeCollectionState.Unnamed(size, distance));
        return server;
    }

    public static KnowledgeBaseDefinition KnowledgeBase(VectorDatabaseOptions entry, string name = "handbook") =>
        new(name, entry.Id, entry.Dimension, entry.Metric);

    public static VectorChunk Chunk(string id, string document = "doc-1", string? metadataJson = null, int dimension = 4, float seed = 1) =>
        new(
            id,
            document,
            $"text of {id}",
            Enumerable.Range(0, dimension).Select(i => seed + (i * 0.25f)).ToArray(),
            metadataJson is null ? null : System.Text.Json.JsonDocument.Parse(metadataJson).RootElement);

    public static VectorQuery Query(int dimension = 4, int topK = 3, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? filter = null) =>
        new(Enumerable.Range(0, dimension).Select(i => 0.5f + i).ToArray(), topK, filter ?? new Dictionary<string, System.Text.Json.JsonElement>());
}
