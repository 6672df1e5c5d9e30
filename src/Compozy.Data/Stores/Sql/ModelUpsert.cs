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
/// concurrently. This builds <c>INSERT ... ON CONFLICT (...) DO UPDATE ... RETURNING *</c> from the
/// model's own table, column and type mappings, so values pass through the same converters as
/// <c>SaveChanges</c> (UTC timestamps, stored enum names, JSON). SQLite (3.35 and later) and
/// PostgreSQL accept the statement as written.
/// </remarks>
internal static class ModelUpsert
{
    /// <param name="context">A writer context, inside the transaction of the write.</param>
    /// <param name="entity">The values to store.</param>
    /// <param name="shape">The conflict target and the columns an existing row keeps.</param>
    /// <param name="overrides">Values by column name that replace the entity's (timestamps the store sets), leaving the caller's object untouched.</param>
    /// <param name="cancellationToken">Stops the statement.</param>
    public static async Task<TEntity> UpsertAsync<TEntity>(
        CompozyDbContext context,
        TEntity entity,
        UpsertShape shape,
        IReadOnlyDictionary<string, object?> overrides,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var entityType = context.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not part of the model");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();

        // Columns the database generates (the identity of execution_llm_usage) are left to it.
        var columns = entityType.GetProperties()
            .Where(property => !(property.ValueGenerated == ValueGenerated.OnAdd && property.IsPrimaryKey() && property.ClrType == typeof(long)))
            .Select(property => (Property: property, Column: property.GetColumnName(table)!))
            .ToList();

        using var factory = context.Database.GetDbConnection().CreateCommand();
        var parameters = new List<DbParameter>(columns.Count);
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (");
        text.AppendJoin(", ", columns.Select(column => sql.DelimitIdentifier(column.Column)));
        text.Append(") VALUES (");
        for (var index = 0; index < columns.Count; index++)
        {
            var (property, column) = columns[index];
            var name = $"u{index}";
            var value = overrides.TryGetValue(column, out var replaced) ? replaced : property.GetGetter().GetClrValueUsingContainingEntity(entity);
            parameters.Add(property.GetRelationalTypeMapping().CreateParameter(factory, name, value, property.IsNullable));
            text.Append(index == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
        }

        text.Append(") ON CONFLICT (").AppendJoin(", ", shape.ConflictColumns.Select(column => sql.DelimitIdentifier(column))).Append(')');
        if (shape.ConflictPredicate is { } predicate)
        {
            text.Append(" WHERE ").Append(predicate);
        }

        var updated = columns
            .Select(column => column.Column)
            .Where(column => !shape.ConflictColumns.Contains(column, StringComparer.Ordinal) && !shape.KeepOnConflict.Contains(column, StringComparer.Ordinal))
            .Select(column => $"{sql.DelimitIdentifier(column)} = excluded.{sql.DelimitIdentifier(column)}");
        text.Append(" DO UPDATE SET ").AppendJoin(", ", updated).Append(" RETURNING *");

        var rows = await context.Set<TEntity>()
            .FromSqlRaw(text.ToString(), parameters.ToArray<object>())
            .AsNoTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.Single();
    }
}
