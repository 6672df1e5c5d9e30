using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The gRPC channel of one entry and the <see cref="QdrantClient"/> on it. The channel is built
/// here rather than with Qdrant.Client's <c>QdrantChannel.ForAddress</c>, which takes no channel
/// options: the answer to a search of up to <c>max_top_k</c> chunks with their text can exceed
/// gRPC's default 4 MB receive limit (Qdrant bounds an answer by the limit the store asks for, so
/// none is set here), and tests need their own TLS handler. The
/// <c>api-key</c> metadata is added the way <c>QdrantChannel</c> adds it.
/// </summary>
internal sealed class QdrantConnection : IDisposable
{
    /// <summary>The metadata key Qdrant reads the API key from.</summary>
    public const string ApiKeyHeader = "api-key";

    private readonly GrpcChannel _channel;

    /// <param name="settings">The entry's endpoint, API key and timeout (each call's deadline).</param>
    /// <param name="handler">The HTTP/2 handler; <see langword="null"/> for Grpc.Net.Client's default, which validates TLS certificates against the machine's trust store.</param>
    public QdrantConnection(QdrantStoreSettings settings, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = GrpcChannel.ForAddress(settings.Endpoint.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
        });
        var apiKey = settings.ApiKey;
        var invoker = string.IsNullOrEmpty(apiKey)
            ? _channel.CreateCallInvoker()
            : _channel.Intercept(metadata =>
            {
                metadata.Add(ApiKeyHeader, apiKey);
                return metadata;
            });

        // Qdrant.Client sets every call's deadline to now + this timeout, so each retry gets a
        // deadline of its own. No logger: the store reports each failure once, classified; the
        // client would log it again, unclassified and with a stack trace.
        Client = new QdrantClient(new QdrantGrpcClient(invoker), settings.Timeout);
    }

    public QdrantClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
    }
}
