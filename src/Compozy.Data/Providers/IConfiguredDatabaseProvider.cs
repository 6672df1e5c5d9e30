using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Providers;

/// <summary>A provider with validated settings, ready to register its services.</summary>
public interface IConfiguredDatabaseProvider
{
    /// <summary>The driver name.</summary>
    string Driver { get; }

    /// <summary>
    /// Where the data lives and how it is written, safe to log: a file path or <c>:memory:</c>, or
    /// host and database; never a password.
    /// </summary>
    string Description { get; }

    /// <summary>
    /// Registers this provider's services: every service of
    /// <see cref="DatabaseProviderContract.RequiredServices"/> (the options configurer, the writer,
    /// the error classifier, the store dialect, the status reader, maintenance and backup), checked
    /// when the services are composed, and whatever startup checks and hosted services it needs.
    /// Services are singletons; the container is built with scope validation in the tests.
    /// </summary>
    void AddServices(IServiceCollection services);

    /// <summary>
    /// Hands this configuration's settings to the services a running host registered with
    /// <see cref="AddServices"/> from an earlier configuration of the same provider, after a
    /// configuration reload that changed only live keys (<see cref="Configuration.ConfigurationReload.Live"/>):
    /// typically <see cref="Configuration.LiveOptions{T}.Publish"/> of the provider's options. A
    /// provider without live keys of its own does nothing.
    /// </summary>
    void PublishLiveSettings(IServiceProvider services)
    {
    }
}
