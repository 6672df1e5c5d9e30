using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores;

/// <summary>
/// Runs a store's read on a read context of its own (disposed after), as one operation of the
/// provider's execution strategy, with database errors translated by <see cref="StoreErrors"/>:
/// what every store's reads share. A read must materialize what it returns (a list, not a query):
/// rows are streamed, and a transient failure re-runs the whole read.
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
                    // The whole read is one operation of the provider's execution strategy: a
                    // transient failure re-runs all of it, and its queries stream their rows.
                    return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                        (context, read),
                        static (_, state, inner) => state.read(state.context, inner),
                        verifySucceeded: null,
                        token).ConfigureAwait(false);
                }
            },
            cancellationToken);
}
