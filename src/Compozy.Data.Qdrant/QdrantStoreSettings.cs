using System.Globalization;
using Compozy.Data.Configuration;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The options of one <c>provider: qdrant</c> entry, parsed once. The configuration layer has
/// validated them already; a value that still does not parse falls back to its default.
/// </summary>
internal sealed record QdrantStoreSettings
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public const int DefaultMaxRetries = 3;

    public const int DefaultBatchSize = 256;

    /// <summary>Where the gRPC API is, derived from <c>url</c> and <c>options.grpc_port</c>.</summary>
    public required QdrantEndpoint Endpoint { get; init; }

    /// <summary>The server for messages: scheme, host and gRPC port, never user info or key.</summary>
    public string DisplayUrl => Endpoint.Display;

    public required string Collection { get; init; }

    public string? ApiKey { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public int MaxRetries { get; init; } = DefaultMaxRetries;

    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The median first retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest computed backoff between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <c>retry-after</c> (sent by Qdrant with a rate-limited call) honoured; a server
    /// asking for more is reported as throttled at once rather than holding the caller for minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <exception cref="ArgumentException">The entry has no url, or one that validation would have refused.</exception>
    public static QdrantStoreSettings From(VectorDatabaseOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var url = entry.Url ?? throw new ArgumentException($"{entry.DisplayPath} has no url; the qdrant provider needs one", nameof(entry));
        var endpoint = QdrantEndpoint.Resolve(url, Number(entry, QdrantVectorStoreProvider.GrpcPort), out var problem)
            ?? throw new ArgumentException($"{entry.DisplayPath}.url: {problem}", nameof(entry));
        return new QdrantStoreSettings
        {
            Endpoint = endpoint,
            Collection = Text(entry, QdrantVectorStoreProvider.Collection) ?? entry.Id,
            ApiKey = Text(entry, QdrantVectorStoreProvider.ApiKey),
            Timeout = Text(entry, QdrantVectorStoreProvider.Timeout) is { } timeout && DurationFormat.TryParse(timeout, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : DefaultTimeout,
            MaxRetries = Number(entry, QdrantVectorStoreProvider.MaxRetries) is { } retries and >= 0 ? retries : DefaultMaxRetries,
            BatchSize = Number(entry, QdrantVectorStoreProvider.BatchSize) is { } batch and > 0 ? batch : DefaultBatchSize,
        };
    }

    private static string? Text(VectorDatabaseOptions entry, string key) =>
        entry.Options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static int? Number(VectorDatabaseOptions entry, string key) =>
        Text(entry, key) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}
