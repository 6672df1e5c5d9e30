using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Qdrant;

/// <summary>
/// <c>provider: qdrant</c>: chunks in a collection of a Qdrant server, over its REST API. Works
/// with either database driver.
/// </summary>
public sealed class QdrantVectorStoreProvider : IVectorStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "qdrant";

    /// <summary>The API key sent as the <c>api-key</c> header; use <c>${VAR}</c> to keep it out of the file.</summary>
    public const string ApiKey = "api_key";

    /// <summary>The collection holding the entry's knowledge bases (default: the entry's id).</summary>
    public const string Collection = "collection";

    /// <summary>The longest wait for one HTTP request (default 10s).</summary>
    public const string Timeout = "timeout";

    /// <summary>How many times a request answered 429 or 5xx, or that failed to connect, is retried (default 3).</summary>
    public const string MaxRetries = "max_retries";

    /// <summary>Points per upsert request (default 256).</summary>
    public const string BatchSize = "batch_size";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<string> OptionNames { get; } = [ApiKey, Collection, Timeout, MaxRetries, BatchSize];

    /// <inheritdoc />
    public bool IsDefaultFor(string driver) => false;

    /// <inheritdoc />
    public void Validate(ConfigurationReader reader, VectorDatabaseOptions entry, string driver)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(entry);
        if (reader.ReadRaw(entry.PathOf("url")) is null)
        {
            reader.AddProblem(entry.PathOf("url"), "is missing; the qdrant provider needs the server URL, for example http://localhost:6333", reader.DescribeOrigin(entry.PathOf("provider")));
        }

        reader.Read<string>(entry.PathOf($"options:{ApiKey}"), ConfigurationValueType.Text(), isSecret: true);
        reader.Read<string>(entry.PathOf($"options:{Collection}"), ConfigurationValueType.Text());
        reader.Read<TimeSpan?>(entry.PathOf($"options:{Timeout}"), ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)));
        reader.Read<int?>(entry.PathOf($"options:{MaxRetries}"), ConfigurationValueType.WholeNumber(0, 10));
        reader.Read<int?>(entry.PathOf($"options:{BatchSize}"), ConfigurationValueType.WholeNumber(1, 10_000));
        if (reader.ReadRaw(entry.PathOf("path")) is not null)
        {
            reader.AddWarning(entry.PathOf("path"), "is set but the qdrant provider does not use it: the vectors are on the Qdrant server");
        }
    }

    /// <summary>
    /// Registers <see cref="IHttpClientFactory"/> and the settings every Qdrant client shares: no
    /// <see cref="HttpClient.Timeout"/> (the store times each attempt itself) and no header value
    /// in the factory's logs (the API key is a header).
    /// </summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddHttpClient();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, QdrantHttpClientSetup>());
    }

    /// <summary>
    /// Makes the store of <paramref name="entry"/>: a named <see cref="HttpClient"/> of its own
    /// (<c>Compozy.Data.Qdrant:&lt;id&gt;</c>) whose base address is the entry's url. Needs
    /// <see cref="AddServices"/>; uses the registered <see cref="TimeProvider"/> and logging when present.
    /// </summary>
    public IVectorStore Create(VectorDatabaseOptions entry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(services);
        var settings = QdrantStoreSettings.From(entry);
        var factory = services.GetRequiredService<IHttpClientFactory>();
        var name = HttpClientName(entry);
        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<QdrantVectorStore>() ?? NullLogger.Instance;
        return new QdrantVectorStore(
            entry,
            settings,
            () =>
            {
                // A client per request, as IHttpClientFactory intends (its handlers are pooled and
                // recycled, so DNS changes are seen); the base address is the entry's.
                var client = factory.CreateClient(name);
                client.BaseAddress = settings.BaseAddress;
                return client;
            },
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            logger);
    }

    /// <summary>The name of the <see cref="HttpClient"/> of an entry, for callers that configure it further (a proxy, a test handler).</summary>
    public static string HttpClientName(VectorDatabaseOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return QdrantHttpClientSetup.NamePrefix + entry.Id;
    }
}
