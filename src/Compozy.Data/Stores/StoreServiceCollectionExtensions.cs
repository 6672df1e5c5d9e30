using Compozy.Data.Stores.Auth;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compozy.Data.Stores;

/// <summary>Registers the stores on top of a database provider's services.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ITaskStore"/>, <see cref="IWorkflowStore"/>, <see cref="IAuthStore"/>,
    /// <see cref="IUsageStore"/>, the <see cref="ApiKeyUseRecorder"/> hosted service, and the
    /// <see cref="Health.DatabaseCircuit"/> every store operation goes through, with its probe. Register
    /// after the provider, so that the recorder's final flush at shutdown runs before the
    /// provider closes its writer.
    /// </summary>
    public static IServiceCollection AddCompozyStores(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StoreOptions>();
        services.AddSingleton<Diagnostics.StoreOperationTimings>();
        services.AddSingleton<Health.DatabaseCircuit>();
        services.AddHostedService<Health.DatabaseCircuitProbe>();
        services.AddSingleton<StoreErrors>();
        services.AddSingleton<StoreReads>();
        services.AddSingleton<StoreWrites>();
        services.AddSingleton<ITaskStore, TaskStore>();
        services.AddSingleton<IWorkflowStore, WorkflowStore>();
        services.AddSingleton<IUsageStore, UsageStore>();
        services.AddSingleton<IAuthStore, AuthStore>();
        services.AddSingleton<ApiKeyUseRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<ApiKeyUseRecorder>());
        return services;
    }
}
