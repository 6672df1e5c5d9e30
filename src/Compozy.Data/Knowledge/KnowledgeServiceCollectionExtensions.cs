using Compozy.Data.Configuration;
using Compozy.Data.Startup;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Knowledge;

/// <summary>Registers knowledge bases and the vector stores their configuration names.</summary>
public static class KnowledgeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IKnowledgeStore"/>, the <see cref="VectorStoreRegistry"/> and the start-up
    /// check of the vector databases, with the services of each provider
    /// <paramref name="knowledge"/> uses.
    /// </summary>
    public static IServiceCollection AddCompozyKnowledge(
        this IServiceCollection services, KnowledgeOptions knowledge, IReadOnlyList<IVectorStoreProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(knowledge);
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var provider in providers)
        {
            services.AddSingleton(provider);
            if (knowledge.VectorDatabases.Any(entry => entry.Provider == provider.Name))
            {
                provider.AddServices(services);
            }
        }

        services.AddSingleton<VectorStoreRegistry>();
        services.AddSingleton<IKnowledgeStore, KnowledgeStore>();
        services.AddSingleton<ISchemaStartupCheck, KnowledgeStartupCheck>();
        return services;
    }
}
