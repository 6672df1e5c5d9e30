using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Configures every named client of a Qdrant entry (<see cref="QdrantVectorStoreProvider.HttpClientName"/>),
/// whatever the entry: entries are only known once the configuration is read, after services are registered.
/// </summary>
internal sealed class QdrantHttpClientSetup : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public const string NamePrefix = "Compozy.Data.Qdrant:";

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is null || !name.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return;
        }

        // Each attempt has its own timeout (options.timeout), applied by the store.
        options.HttpClientActions.Add(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // The api-key header must never reach a log, whatever the logging level.
        options.ShouldRedactHeaderValue = _ => true;
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
}
