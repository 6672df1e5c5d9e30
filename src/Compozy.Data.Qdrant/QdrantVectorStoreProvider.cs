using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compozy.Data.Qdrant;

/// <summary>
/// <c>provider: qdrant</c>: chunks in a collection of a Qdrant server, over its gRPC API with
/// Qdrant.Client. Works with either database driver.
/// </summary>
public sealed class QdrantVectorStoreProvider : IVectorStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "qdrant";

    /// <summary>The API key sent as the <c>api-key</c> metadata of every call; use <c>${VAR}</c> to keep it out of the file.</summary>
    public const string ApiKey = "api_key";

    /// <summary>The collection holding the entry's knowledge bases (default: the entry's id).</summary>
    public const string Collection = "collection";

    /// <summary>The deadline of each gRPC call (default 10s).</summary>
    public const string Timeout = "timeout";

    /// <summary>How many times a call that failed with a transient status (Unavailable, ResourceExhausted, Aborted, DeadlineExceeded) is retried (default 3).</summary>
    public const string MaxRetries = "max_retries";

    /// <summary>Points per upsert call (default 256).</summary>
    public const string BatchSize = "batch_size";

    /// <summary>
    /// The port Qdrant serves gRPC on, on the url's host. Without it, a url on Qdrant's REST port
    /// (6333) means its gRPC port (6334), a url on 6334 is used as is, and any other port is refused.
    /// </summary>
    public const string GrpcPort = "grpc_port";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<string> OptionNames { get; } = [ApiKey, Collection, Timeout, MaxRetries, BatchSize, GrpcPort];

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
        if (reader.Read<string>(entry.PathOf($"options:{Collection}"), ConfigurationValueType.Text()) is { } collection
            && QdrantCollectionNames.Problem(collection) is { } collectionProblem)
        {
            reader.AddProblem(entry.PathOf($"options:{Collection}"), $"\"{collection}\" {collectionProblem}");
        }

        reader.Read<TimeSpan?>(entry.PathOf($"options:{Timeout}"), ConfigurationValueType.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)));
        reader.Read<int?>(entry.PathOf($"options:{MaxRetries}"), ConfigurationValueType.WholeNumber(0, 10));
        reader.Read<int?>(entry.PathOf($"options:{BatchSize}"), ConfigurationValueType.WholeNumber(1, 10_000));
        var grpcPortPath = entry.PathOf($"options:{GrpcPort}");
        var grpcPort = reader.Read<int?>(grpcPortPath, ConfigurationValueType.WholeNumber(1, 65_535));

        // A grpc_port that does not parse is reported already; the url is then judged without it.
        var grpcPortValid = reader.ReadRaw(grpcPortPath) is null || grpcPort is not null;
        if (entry.Url is { } url && grpcPortValid && QdrantEndpoint.Resolve(url, grpcPort, out var problem) is null)
        {
            reader.AddProblem(entry.PathOf("url"), problem!);
        }

        if (reader.ReadRaw(entry.PathOf("path")) is not null)
        {
            reader.AddWarning(entry.PathOf("path"), "is set but the qdrant provider does not use it: the vectors are on the Qdrant server");
        }
    }

    /// <summary>Registers nothing: each store opens its own gRPC channel, which it keeps for its lifetime.</summary>
    public void AddServices(IServiceCollection services)
    {
    }

    /// <summary>
    /// Makes the store of <paramref name="entry"/>, with a gRPC channel to the address its url and
    /// <c>options.grpc_port</c> give (logging the derived address when the url is on Qdrant's REST
    /// port). Uses the registered <see cref="TimeProvider"/> and logging when present.
    /// </summary>
    public IVectorStore Create(VectorDatabaseOptions entry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(services);
        var settings = QdrantStoreSettings.From(entry);
        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<QdrantVectorStore>() ?? NullLogger.Instance;
        if (settings.Endpoint.MappedFromRestPort)
        {
            QdrantLog.GrpcPortDerived(logger, entry.DisplayPath, settings.Endpoint.ConfiguredUrl, settings.DisplayUrl);
        }

        return new QdrantVectorStore(entry, settings, new QdrantConnection(settings), services.GetService<TimeProvider>() ?? TimeProvider.System, logger);
    }
}
