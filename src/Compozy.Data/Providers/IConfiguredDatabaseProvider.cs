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
    /// Registers this provider's services: an <see cref="IDbContextOptionsConfigurer"/>, an
    /// <see cref="Writes.IDatabaseWriter"/>, and whatever startup checks and hosted services it needs.
    /// </summary>
    void AddServices(IServiceCollection services);
}
