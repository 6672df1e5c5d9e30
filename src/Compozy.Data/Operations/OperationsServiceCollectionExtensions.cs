using Compozy.Data.Configuration;
using Compozy.Data.Operations.Transfer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compozy.Data.Operations;

/// <summary>Registers the provider-neutral operator services on top of a database provider's services.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IDatabaseTransfer"/> (<c>db export</c> and <c>db import</c>, through the
    /// model and the provider's <see cref="ITransferDialect"/>), <see cref="IDatabasePrune"/> and,
    /// when <paramref name="retention"/> has an interval, the scheduled prune hosted service.
    /// Register after the provider and the stores, so that a prune in progress stops before the
    /// provider closes its writer.
    /// </summary>
    public static IServiceCollection AddCompozyOperations(this IServiceCollection services, RetentionOptions retention)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(retention);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IDatabaseTransfer, DatabaseTransfer>();
        services.AddSingleton<IDatabasePrune, DatabasePrune>();
        if (retention.Interval is not null && retention.OlderThan is not null)
        {
            services.AddSingleton(retention);
            services.AddHostedService<ScheduledPruneService>();
        }

        return services;
    }
}
