using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>Entries, knowledge bases and chunks for the Qdrant store tests.</summary>
public static class QdrantTestStores
{
    public const string ApiKey = "qk-5ecret-do-not-print";

    public static VectorDatabaseOptions Entry(
        int dimension = 4,
        VectorMetric metric = VectorMetric.Cosine,
        int? batchSize = null,
        int? maxRetries = null,
        string? timeout = null,
        string? apiKey = ApiKey,
        string? collection = null,
        Uri? url = null)
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

        return new VectorDatabaseOptions
        {
            Index = 1,
            Id = "docs",
            Provider = QdrantVectorStoreProvider.ProviderName,
            Url = url ?? QdrantContractServer.BaseAddress,
            Dimension = dimension,
            Metric = metric,
            Options = options,
        };
    }

    /// <summary>The store of <paramref name="entry"/>, talking to <paramref name="server"/>, waiting on <paramref name="time"/>.</summary>
    internal static QdrantVectorStore Store(VectorDatabaseOptions entry, HttpMessageHandler server, TimeProvider? time = null, ILogger? logger = null)
    {
        var settings = QdrantStoreSettings.From(entry);
        return new QdrantVectorStore(
            entry,
            settings,
            () => new HttpClient(server, disposeHandler: false) { BaseAddress = settings.BaseAddress, Timeout = Timeout.InfiniteTimeSpan },
            time ?? new QdrantTestTime(),
            logger ?? NullLogger.Instance);
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
