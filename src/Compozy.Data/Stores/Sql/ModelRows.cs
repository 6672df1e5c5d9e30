using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// Every row of an entity's table in one order, read the way <see cref="ModelUpsert"/> reads
/// its row: a statement built from the EF model, sent by <see cref="RawSqlReader"/>, each
/// row read by <see cref="EntityMaterializer{TEntity}"/>.
/// </summary>
/// <remarks>
/// For reads on the way to ready (the knowledge start-up check): the first LINQ query of a
/// process costs EF's query compiler, and its JIT, a few hundred milliseconds on two cores
/// (bench/README.md, "Start-up, without a query"), which a read that can be written this way
/// need not pay before the host answers.
/// </remarks>
internal static class ModelRows
{
    /// <summary>Reads every row of <typeparamref name="TEntity"/>'s table, ordered by the column of <paramref name="orderBy"/> ascending.</summary>
    /// <param name="context">Any context of the host: its connection runs the statement, opened and closed as EF would.</param>
    /// <param name="orderBy">The name of a mapped property of <typeparamref name="TEntity"/>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="InvalidOperationException"><paramref name="orderBy"/> is not a mapped property of <typeparamref name="TEntity"/>.</exception>
    public static async Task<List<TEntity>> ReadAllAsync<TEntity>(CompozyDbContext context, string orderBy, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(orderBy);
        var materializer = EntityMaterializer<TEntity>.For(context.Model);
        // Built per call: a read on the way to ready runs once per process.
        var sql = Build(materializer, orderBy, context.GetService<ISqlGenerationHelper>());

        var rows = new List<TEntity>();
        var reader = await RawSqlReader.ExecuteAsync(context, sql, [], cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(materializer.Read(reader.DbDataReader));
            }
        }

        return rows;
    }

    private static string Build<TEntity>(EntityMaterializer<TEntity> materializer, string orderBy, ISqlGenerationHelper sql)
        where TEntity : class
    {
        var property = materializer.Properties.FirstOrDefault(candidate => candidate.Name == orderBy)
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no mapped property {orderBy} to order by");
        return $"SELECT {materializer.ColumnList(sql)} FROM {sql.DelimitIdentifier(materializer.Table.Name, materializer.Table.Schema)} " +
            $"ORDER BY {sql.DelimitIdentifier(materializer.Column(property))}";
    }
}
