using Compozy.Data.Configuration;
using Compozy.Data.Health;
using Compozy.Data.Knowledge;
using Compozy.Data.Hosting;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Persistence;
using Compozy.Data.Providers;
using Compozy.Data.Startup;
using Compozy.Data.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Compozy.Data.</summary>
public static class CompozyDataServiceCollectionExtensions
{
    /// <summary>
    /// Validates <c>database.*</c> and <c>knowledge.*</c> in <paramref name="configuration"/> and
    /// registers the provider <c>database.driver</c> selects: an
    /// <see cref="IDbContextFactory{TContext}"/> of read contexts, the
    /// <see cref="Compozy.Data.Writes.IDatabaseWriter"/>, the <see cref="MigrationRunner"/>, the
    /// start-up initializer (a hosted service), the <c>database</c> readiness check and the
    /// stores (<see cref="StoreServiceCollectionExtensions.AddCompozyStores"/>).
    /// Nothing is opened or created until a service is used.
    /// </summary>
    /// <exception cref="CompozyConfigurationException">The configuration is invalid; every problem is listed.</exception>
    public static IServiceCollection AddCompozyData(this IServiceCollection services, IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);
        var (options, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All, BuiltInVectorStoreProviders.All);
        if (reader.Problems.Count > 0 || provider is null)
        {
            throw new CompozyConfigurationException(reader.Problems);
        }

        return services.AddCompozyData(options, provider, reader.Warnings);
    }

    /// <summary>
    /// Registers Compozy.Data from options already validated by
    /// <see cref="CompozyDataConfiguration.Read"/> (for callers that validate more settings in
    /// the same pass, like the CLI).
    /// </summary>
    public static IServiceCollection AddCompozyData(
        this IServiceCollection services,
        CompozyDataOptions options,
        IConfiguredDatabaseProvider provider,
        IReadOnlyList<ConfigurationProblem> warnings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);

        services.AddMetrics();
        services.AddSingleton<Compozy.Data.Diagnostics.CompozyDataMeter>();
        services.AddLiveOptions(options);
        services.AddSingleton(provider);
        services.AddSingleton(new ConfigurationWarnings(warnings));
        provider.AddServices(services);
        DatabaseProviderContract.EnsureRegistered(services, provider);

        services.AddPooledDbContextFactory<CompozyDbContext>(
            (serviceProvider, builder) => serviceProvider.GetRequiredService<IDbContextOptionsConfigurer>().ConfigureReadContext(builder));
        services.AddCompozyMigrations();
        services.AddSingleton<Compozy.Data.Errors.DbErrorTranslator>();
        services.AddSingleton<DatabaseStartupChecks>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<DatabaseFault>();
        services.AddHostedService(serviceProvider => serviceProvider.GetRequiredService<DatabaseInitializer>());
        services.AddHealthChecks().AddCheck<DatabaseReadinessHealthCheck>(
            DatabaseReadinessHealthCheck.Name, tags: [DatabaseReadinessHealthCheck.ReadyTag]);
        services.AddCompozyStores();
        Compozy.Data.Audit.AuditServiceCollectionExtensions.AddCompozyAudit(services);
        services.AddCompozyKnowledge(options.Knowledge, BuiltInVectorStoreProviders.All);
        services.AddCompozyOperations(options.Database.Retention);
        return services;
    }
}
