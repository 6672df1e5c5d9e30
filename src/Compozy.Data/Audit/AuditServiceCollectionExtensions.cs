using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compozy.Data.Audit;

/// <summary>Registers the audit log on top of a database provider's services and the stores.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IAuditLog"/> and the hosted service that replays its fallback file while the
    /// host runs. Register after the stores, so that a replay in progress stops before the provider
    /// closes its writer.
    /// </summary>
    public static IServiceCollection AddCompozyAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddHostedService<AuditReplayService>();
        return services;
    }
}
