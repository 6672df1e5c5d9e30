using System.Collections.Concurrent;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores;

/// <summary>
/// Runs a store's read on a read context of its own (disposed after), as one operation of the
/// provider's execution strategy, with database errors translated by <see cref="StoreErrors"/>:
/// what every store's reads share. A read must materialize what it returns (a list, not a query):
/// rows are streamed, and a transient failure re-runs the whole read. Reads of one row by key run
/// on the provider's <see cref="IPreparedReads"/> where it has one.
/// </summary>
internal sealed class StoreReads(
    IDbContextFactory<CompozyDbContext> contexts, StoreErrors errors, IDbErrorClassifier classifier, IPreparedReads? prepared = null)
{
    private readonly ConcurrentDictionary<Type, object> _byKey = new();

    public Task<T> RunAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        errors.RunAsync(operation, token => InReadContextAsync(read, token), cancellationToken);

    /// <summary>
    /// Reads the <typeparamref name="TEntity"/> whose primary key is <paramref name="key"/>, as
    /// <paramref name="operation"/>: on the provider's prepared reads, or with
    /// <paramref name="read"/> on a read context where the provider has none or the prepared read
    /// failed transiently. Throws what <paramref name="notFound"/> makes when there is no such row.
    /// </summary>
    public Task<TEntity> GetByKeyAsync<TEntity>(
        string operation,
        object key,
        Func<CompozyDbContext, CancellationToken, Task<TEntity?>> read,
        Func<CompozyDataException> notFound,
        CancellationToken cancellationToken)
        where TEntity : class =>
        errors.RunAsync(
            operation,
            async token =>
            {
                if (prepared is not null)
                {
                    var query = ByKey<TEntity>();
                    try
                    {
                        return await prepared.ReadRowAsync(query.Sql, query.ParameterName, query.KeyValue(key), query.Materialize, token).ConfigureAwait(false)
                            ?? throw notFound();
                    }
                    catch (Exception exception) when (exception is not CompozyDataException && IsTransient(exception))
                    {
                        // A read context's execution strategy knows how long to wait and how often
                        // to retry on this provider; the prepared read does not retry on its own.
                    }
                }

                return await InReadContextAsync(read, token).ConfigureAwait(false) ?? throw notFound();
            },
            cancellationToken);

    private async Task<T> InReadContextAsync<T>(Func<CompozyDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // The whole read is one operation of the provider's execution strategy: a
            // transient failure re-runs all of it, and its queries stream their rows.
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                (context, read),
                static (_, state, inner) => state.read(state.context, inner),
                verifySucceeded: null,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsTransient(Exception exception) =>
        classifier.Classify(exception) is { } classification && CompozyDataException.IsTransientKind(classification.Kind);

    // Built from the model of the first read context, once: one provider, so one model, per container.
    private RowByKeyQuery<TEntity> ByKey<TEntity>()
        where TEntity : class =>
        (RowByKeyQuery<TEntity>)_byKey.GetOrAdd(typeof(TEntity), static (_, contexts) =>
        {
            using var context = contexts.CreateDbContext();
            return RowByKeyQuery<TEntity>.Build(context.Model, context.GetService<ISqlGenerationHelper>());
        }, contexts);
}
