using Compozy.Data.Persistence;
using Compozy.Data.Writes;

namespace Compozy.Data.Stores;

/// <summary>
/// Runs a store's write through <see cref="IDatabaseWriter"/> (one transaction, the caller
/// answered after its commit), with database errors translated by <see cref="StoreErrors"/>:
/// what every store's writes share, as <see cref="StoreReads"/> is for their reads.
/// </summary>
internal sealed class StoreWrites(IDatabaseWriter writer, StoreErrors errors)
{
    public Task<T> RunAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        errors.RunAsync(operation, token => writer.WriteAsync(work, token), cancellationToken);
}
