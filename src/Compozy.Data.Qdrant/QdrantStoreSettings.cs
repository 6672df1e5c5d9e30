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

    /// <summary>The server's base address, always ending in <c>/</c> so relative paths keep a reverse proxy's prefix.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The server for messages: scheme, host, port and path, never user info, query or key.</summary>
    public required string DisplayUrl { get; init; }

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
    /// The longest <c>Retry-After</c> honoured; a server asking for more is reported as throttled
    /// at once rather than holding the caller for minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public static QdrantStoreSettings From(VectorDatabaseOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var url = entry.Url ?? throw new ArgumentException($"{entry.DisplayPath} has no url; the qdrant provider needs one", nameof(entry));
        var baseText = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        if (!baseText.EndsWith('/'))
        {
            baseText += "/";
        }

        var baseAddress = new Uri(baseText, UriKind.Absolute);
        return new QdrantStoreSettings
        {
            BaseAddress = baseAddress,
            DisplayUrl = baseAddress.ToString(),
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
