using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// Inserts a row or updates the one it conflicts with, in one statement, and returns the row as
/// stored.
/// </summary>
/// <remarks>
/// EF Core has no upsert, and a read-then-write is racy on PostgreSQL, where writers run
/// concurrently. This builds <c>INSERT ... ON CONFLICT (...) DO UPDATE ... RETURNING</c> (every
/// mapped column) from the model's own table, column and type mappings, so values pass through the
/// same converters as <c>SaveChanges</c> (UTC timestamps, stored enum names, JSON), and reads the
/// returned row with <see cref="EntityMaterializer{TEntity}"/>. SQLite (3.35 and later) and
/// PostgreSQL accept the statement as written.
/// </remarks>
internal static class ModelUpsert
{
    // The statement depends only on the model (one per provider), the entity type and the shape,
    // never on the values: built once, it spares every upsert the metadata walk and the string
    // building (measured in bench/README.md, "Profile"), and keeps the prepared statements of the
    // SQLite writer (SqliteStatementCache) and of Npgsql on one text.
    // The dialect's columns are part of the key by their text, not by the dialect's instance, so
    // that hosts built one after another (tests, benchmarks) share their plans instead of adding some.
    private static readonly ConcurrentDictionary<(IModel Model, Type Entity, UpsertShape Shape, string WriteReturningColumns), object> Plans = new();

    /// <param name="context">A writer context, inside the transaction of the write.</param>
    /// <param name="dialect">The provider's dialect: the columns its writer wants returned beside the row (<see cref="IStoreDialect.WriteReturningColumns"/>).</param>
    /// <param name="entity">The values to store.</param>
    /// <param name="shape">The conflict target and the columns an existing row keeps; the same instance for every call of one store operation.</param>
    /// <param name="overrides">Values by column name that replace the entity's (timestamps the store sets), leaving the caller's object untouched.</param>
    /// <param name="cancellationToken">Stops the statement.</param>
    public static async Task<TEntity> UpsertAsync<TEntity>(
        CompozyDbContext context,
        IStoreDialect dialect,
        TEntity entity,
        UpsertShape shape,
        IReadOnlyDictionary<string, object?> overrides,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var plan = (UpsertPlan<TEntity>)Plans.GetOrAdd(
            (context.Model, typeof(TEntity), shape, dialect.WriteReturningColumns),
            static (key, context) => UpsertPlan<TEntity>.Build(key.Model, key.Shape, key.WriteReturningColumns, context.GetService<ISqlGenerationHelper>()),
            context);

        using var factory = context.Database.GetDbConnection().CreateCommand();
        var parameters = new DbParameter[plan.Columns.Count];
        for (var index = 0; index < plan.Columns.Count; index++)
        {
            var (property, column, name) = plan.Columns[index];
            var value = overrides.TryGetValue(column, out var replaced) ? replaced : property.GetGetter().GetClrValueUsingContainingEntity(entity);
            parameters[index] = property.GetRelationalTypeMapping().CreateParameter(factory, name, value, property.IsNullable);
        }

        var reader = await RawSqlReader.ExecuteAsync(context, plan.Sql, parameters, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"the upsert of {typeof(TEntity).Name} returned no row");
            }

            var stored = plan.Materializer.Read(reader.DbDataReader);
            if (plan.ReadsWriteReturning)
            {
                dialect.ReadWriteReturning(context, reader.DbDataReader, plan.Materializer.Properties.Count);
            }

            return stored;
        }
    }

    private sealed record UpsertPlan<TEntity>(
        string Sql, IReadOnlyList<(IProperty Property, string Column, string Parameter)> Columns, EntityMaterializer<TEntity> Materializer, bool ReadsWriteReturning)
        where TEntity : class
    {
        public static UpsertPlan<TEntity> Build(IModel model, UpsertShape shape, string writeReturningColumns, ISqlGenerationHelper sql)
        {
            var materializer = EntityMaterializer<TEntity>.For(model);
            var table = materializer.Table;

            // Columns the database generates (the identity of execution_llm_usage) are left to it.
            var columns = model.FindEntityType(typeof(TEntity))!.GetProperties()
                .Where(property => !(property.ValueGenerated == ValueGenerated.OnAdd && property.IsPrimaryKey() && property.ClrType == typeof(long)))
                // The parameters carry the provider's prefix: Microsoft.Data.Sqlite binds an unprefixed
                // name by trying each prefix in turn, building a new string for each, on every call.
                .Select((property, index) => (Property: property, Column: materializer.Column(property), Parameter: sql.GenerateParameterName($"u{index}")))
                .ToList();

            var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (");
            text.AppendJoin(", ", columns.Select(column => sql.DelimitIdentifier(column.Column)));
            text.Append(") VALUES (");
            text.AppendJoin(", ", columns.Select((_, index) => sql.GenerateParameterNamePlaceholder($"u{index}")));
            text.Append(") ON CONFLICT (").AppendJoin(", ", shape.ConflictColumns.Select(column => sql.DelimitIdentifier(column))).Append(')');
            if (shape.ConflictPredicate is { } predicate)
            {
                text.Append(" WHERE ").Append(predicate);
            }

            var updated = columns
                .Select(column => column.Column)
                .Where(column => !shape.ConflictColumns.Contains(column, StringComparer.Ordinal) && !shape.KeepOnConflict.Contains(column, StringComparer.Ordinal))
                .Select(column => $"{sql.DelimitIdentifier(column)} = excluded.{sql.DelimitIdentifier(column)}");

            // The columns the materializer reads, in its order (RETURNING * would follow the table's),
            // then the writer's own after them.
            text.Append(" DO UPDATE SET ").AppendJoin(", ", updated).Append(" RETURNING ").Append(materializer.ColumnList(sql));
            var readsWriteReturning = writeReturningColumns.Length > 0;
            if (readsWriteReturning)
            {
                text.Append(", ").Append(writeReturningColumns);
            }

            return new UpsertPlan<TEntity>(text.ToString(), columns, materializer, readsWriteReturning);
        }
    }
}
