using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Providers;

/// <summary>Applies the selected provider to the options of read contexts.</summary>
public interface IDbContextOptionsConfigurer
{
    /// <summary>
    /// Configures <paramref name="builder"/> for contexts handed out by
    /// <see cref="IDbContextFactory{TContext}"/>: the provider, its connection, interceptors,
    /// model dialect and migrations assembly.
    /// </summary>
    void ConfigureReadContext(DbContextOptionsBuilder builder);
}
