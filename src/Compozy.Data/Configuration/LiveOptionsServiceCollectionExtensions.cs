using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Configuration;

/// <summary>Registers <see cref="LiveOptions{T}"/>.</summary>
public static class LiveOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="initial"/> as <see cref="IOptions{TOptions}"/> (the values at start,
    /// for what needs a restart) and as the first value of <see cref="IOptionsMonitor{TOptions}"/>,
    /// which follows every <see cref="LiveOptions{T}.Publish"/> of the registered
    /// <see cref="LiveOptions{T}"/>.
    /// </summary>
    public static IServiceCollection AddLiveOptions<T>(this IServiceCollection services, T initial)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var live = new LiveOptions<T>(initial);
        services.AddOptions();
        services.AddSingleton(live);
        services.AddSingleton<IOptions<T>>(Options.Create(initial));
        services.AddSingleton<IOptionsFactory<T>>(live);
        services.AddSingleton<IOptionsChangeTokenSource<T>>(live);
        return services;
    }
}
