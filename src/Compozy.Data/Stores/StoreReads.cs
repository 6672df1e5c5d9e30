using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores;

/// <summary>
/// Runs a store's read on a read context of its own (disposed after), with database errors
/// translated by <see cref="StoreErrors"/>: what every store's reads share.
/// </summary>
internal sealed class StoreReads(IDbContextFactory<CompozyDbContext> contexts, StoreErrors errors)
{
    public Task<T> RunAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        errors.RunAsync(
            operation,
            async token =>
            {
                var context = await contexts.CreateDbContextAsync(token).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    return await read(context, token).ConfigureAwait(false);
                }
            },
            cancellationToken);
}
