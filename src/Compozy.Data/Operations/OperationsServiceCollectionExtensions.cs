using Compozy.Data.Operations.Transfer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compozy.Data.Operations;

/// <summary>Registers the provider-neutral operator services on top of a database provider's services.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IDatabaseTransfer"/> (<c>db export</c> and <c>db import</c>), which works
    /// through the model and the provider's <see cref="ITransferDialect"/>.
    /// </summary>
    public static IServiceCollection AddCompozyOperations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IDatabaseTransfer, DatabaseTransfer>();
        return services;
    }
}
