using Compozy.Data.Configuration;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Migrations;

/// <summary>Registers the migration runner on top of a database provider's services.</summary>
public static class MigrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MigrationRunner"/>, and the <see cref="IMigrationHistoryReader"/> that reads
    /// through a read context unless the provider registered its own. Register after the provider
    /// and after the pooled <see cref="IDbContextFactory{TContext}"/> of <see cref="CompozyDbContext"/>.
    /// </summary>
    public static IServiceCollection AddCompozyMigrations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IMigrationHistoryReader, ContextMigrationHistoryReader>();
        services.AddSingleton(serviceProvider => new MigrationRunner(
            serviceProvider.GetRequiredService<IMigrationHistoryReader>(),
            new Lazy<IDbContextFactory<CompozyDbContext>>(serviceProvider.GetRequiredService<IDbContextFactory<CompozyDbContext>>),
            new Lazy<IDatabaseWriter>(serviceProvider.GetRequiredService<IDatabaseWriter>),
            serviceProvider.GetRequiredService<IOptions<CompozyDataOptions>>(),
            serviceProvider.GetRequiredService<ILogger<MigrationRunner>>()));
        return services;
    }
}
