using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// Reads a row of every mapped column of <typeparamref name="TEntity"/>, in
/// <see cref="Properties"/> order, into a new entity, as an EF Core query would: each column
/// through its type mapping's data reader method and customization, then the property's value
/// converter, so stored names, UTC times and JSON come back exactly as a query returns them.
/// </summary>
/// <remarks>
/// Hand-written because EF Core materializes rows only inside its query pipeline, whose per-call
/// cost (query compilation and parameter processing of <c>FromSql</c>, a command per query, the
/// shaper) is what the statements this layer writes itself avoid (bench/README.md, "The single
/// get" and "The single upsert"). Built once per model and entity type.
/// </remarks>
internal sealed class EntityMaterializer<TEntity>
    where TEntity : class
{
    private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

    // One per model (one per provider): the get by key and every upsert shape share it, so its
    // reader is compiled once.
    private static readonly ConcurrentDictionary<IModel, EntityMaterializer<TEntity>> ByModel = new();

    private EntityMaterializer(IReadOnlyList<IProperty> properties, StoreObjectIdentifier table, Func<DbDataReader, TEntity> read)
    {
        Properties = properties;
        Table = table;
        Read = read;
    }

    /// <summary>The properties read, in column order; shadow properties have no member to set, and no read of this layer returns them.</summary>
    public IReadOnlyList<IProperty> Properties { get; }

    /// <summary>The table the entity type is mapped to.</summary>
    public StoreObjectIdentifier Table { get; }

    /// <summary>Reads the current row of a reader whose columns are <see cref="Properties"/>' columns, in order.</summary>
    public Func<DbDataReader, TEntity> Read { get; }

    /// <summary>The delimited column list of <see cref="Properties"/>, for a <c>SELECT</c> or <c>RETURNING</c>.</summary>
    public string ColumnList(ISqlGenerationHelper sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return string.Join(", ", Properties.Select(property => sql.DelimitIdentifier(Column(property))));
    }

    /// <summary>The column of <paramref name="property"/> in <see cref="Table"/>.</summary>
    public string Column(IProperty property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.GetColumnName(Table)
            ?? throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} has no column in {Table.Name}");
    }

    /// <summary>The materializer of <typeparamref name="TEntity"/> in <paramref name="model"/>, built on first use.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEntity"/> is not mapped to a table of <paramref name="model"/>.</exception>
    public static EntityMaterializer<TEntity> For(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ByModel.GetOrAdd(model, Build);
    }

    private static EntityMaterializer<TEntity> Build(IModel model)
    {
        var entityType = model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not part of the model");
        var table = StoreObjectIdentifier.Table(
            entityType.GetTableName() ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped to a table"),
            entityType.GetSchema());
        var properties = entityType.GetProperties().Where(property => property.PropertyInfo is not null).ToList();
        return new EntityMaterializer<TEntity>(properties, table, Compile(properties));
    }

    private static Func<DbDataReader, TEntity> Compile(IReadOnlyList<IProperty> properties)
    {
        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var bindings = properties.Select((property, ordinal) => (MemberBinding)Expression.Bind(property.PropertyInfo!, ReadColumn(reader, property, ordinal)));
        var body = Expression.MemberInit(Expression.New(typeof(TEntity)), bindings);
        return Expression.Lambda<Func<DbDataReader, TEntity>>(body, reader).Compile();
    }

    private static Expression ReadColumn(ParameterExpression reader, IProperty property, int ordinal)
    {
        var mapping = property.GetRelationalTypeMapping();
        var method = mapping.GetDataReaderMethod();
        var target = method.DeclaringType is { } declaring && declaring != typeof(DbDataReader)
            ? Expression.Convert(reader, declaring)
            : (Expression)reader;
        Expression value = Expression.Call(target, method, Expression.Constant(ordinal));
        var providerType = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        if (value.Type != providerType)
        {
            value = Expression.Convert(value, providerType);
        }

        value = mapping.CustomizeDataReaderExpression(value);
        if (mapping.Converter is { } converter)
        {
            var fromProvider = converter.ConvertFromProviderExpression;
            value = ReplacingExpressionVisitor.Replace(fromProvider.Parameters[0], value, fromProvider.Body);
        }

        if (value.Type != property.ClrType)
        {
            value = Expression.Convert(value, property.ClrType);
        }

        return property.IsNullable
            ? Expression.Condition(Expression.Call(reader, IsDbNull, Expression.Constant(ordinal)), Expression.Default(property.ClrType), value)
            : value;
    }
}
