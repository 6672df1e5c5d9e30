using Compozy.Data.Errors;
using Compozy.Data.Operations;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Providers;

/// <summary>
/// What <see cref="IConfiguredDatabaseProvider.AddServices"/> must register: the services the
/// provider-neutral core resolves and has no implementation of its own for. Registration checks
/// it, so a provider that forgets one fails when the services are composed, naming what is
/// missing, rather than at the first request that needs it.
/// </summary>
public static class DatabaseProviderContract
{
    /// <summary>
    /// Each service with what the core uses it for. A provider may register more (startup checks
    /// as <see cref="Startup.IDatabaseStartupCheck"/>, hosted services), never fewer.
    /// </summary>
    public static IReadOnlyDictionary<Type, string> RequiredServices { get; } = new Dictionary<Type, string>
    {
        [typeof(IDbContextOptionsConfigurer)] = "configures the read contexts and the writer's contexts (the EF Core provider, the migrations assembly)",
        [typeof(IDatabaseWriter)] = "the one way every store and command writes",
        [typeof(IDbErrorClassifier)] = "turns the provider's exceptions into error kinds",
        [typeof(IStoreDialect)] = "the SQL the stores cannot express through LINQ alike on every database",
        [typeof(IDatabaseStatusReader)] = "compozy db status",
        [typeof(IDatabaseMaintenance)] = "compozy db maintenance, and giving the space back after a prune",
        [typeof(IDatabaseBackup)] = "compozy db backup and restore, and the backup before migrate up",
        [typeof(IDatabaseRecovery)] = "compozy db recover: a damaged database replaced by its newest verified backup",
        [typeof(Operations.Transfer.ITransferDialect)] = "compozy db export and import: a consistent snapshot to read, the in-use check, identity sequences after an import",
    };

    /// <summary>
    /// Throws when <paramref name="services"/> lacks a service of <see cref="RequiredServices"/>
    /// after <paramref name="provider"/> registered its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">One or more required services are not registered; the message names them.</exception>
    public static void EnsureRegistered(IServiceCollection services, IConfiguredDatabaseProvider provider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(provider);
        var missing = RequiredServices
            .Where(required => !services.Any(descriptor => descriptor.ServiceType == required.Key))
            .Select(required => $"{required.Key.FullName} ({required.Value})")
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"the database provider '{provider.Driver}' did not register {string.Join("; ", missing)}; IConfiguredDatabaseProvider.AddServices must register every service of DatabaseProviderContract.RequiredServices");
        }
    }
}
