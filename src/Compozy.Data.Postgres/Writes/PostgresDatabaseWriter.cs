using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Compozy.Data.Postgres.Writes;

/// <summary>
/// PostgreSQL writes: each on a pooled connection in its own transaction, run through EF's
/// retrying execution strategy so that a transient failure re-runs the whole unit on a clean
/// context.
/// </summary>
internal sealed class PostgresDatabaseWriter(PostgresDbContextOptionsConfigurer optionsConfigurer) : IDatabaseWriter, IDisposable
{
    private readonly PooledDbContextFactory<CompozyDbContext> _contexts = new(optionsConfigurer.CreateWriterOptions());
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    public async Task<T> WriteAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var strategy = context.Database.CreateExecutionStrategy();
            return await strategy.ExecuteAsync(
                    work,
                    async (_, unit, token) =>
                    {
                        // A retry must not see entities tracked by the failed attempt.
                        context.ChangeTracker.Clear();
                        var transaction = await context.Database.BeginTransactionAsync(token).ConfigureAwait(false);
                        await using (transaction.ConfigureAwait(false))
                        {
                            var result = await unit(context, token).ConfigureAwait(false);
                            await context.SaveChangesAsync(token).ConfigureAwait(false);
                            await transaction.CommitAsync(token).ConfigureAwait(false);
                            return result;
                        }
                    },
                    verifySucceeded: null,
                    cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public async Task<T> RunExclusiveAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                return await work(context, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public void Dispose() => _exclusive.Dispose();
}
