using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// One row of an entity by its primary key, for <see cref="IPreparedReads"/>: the
/// <c>SELECT</c> of every mapped column and a materializer that reads a row into the entity,
/// both built once from the EF model.
/// </summary>
/// <remarks>
/// Hand-written because EF Core materializes rows only inside its query pipeline, whose per-call
/// cost (a command per query, a connection open per context lease, the shaper) is what the
/// prepared reads exist to avoid (bench/README.md, "The single get"). Each column is read as EF
/// reads it: the type mapping's data reader method and its customization, then the property's
/// value converter, so stored names, UTC times and JSON come back exactly as a query returns
/// them. Key and value generation play no part in a read.
/// </remarks>
internal sealed class RowByKeyQuery<TEntity>
    where TEntity : class
{
    private const string KeyParameter = "key";

    private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

    private readonly ValueConverter? _keyConverter;

    private RowByKeyQuery(string sql, string parameterName, ValueConverter? keyConverter, Func<DbDataReader, TEntity> materialize)
    {
        Sql = sql;
        ParameterName = parameterName;
        _keyConverter = keyConverter;
        Materialize = materialize;
    }

    /// <summary>The statement: every mapped column, the key compared with <see cref="ParameterName"/>.</summary>
    public string Sql { get; }

    /// <summary>The one parameter's name, as the provider's commands name it.</summary>
    public string ParameterName { get; }

    /// <summary>Reads the current row of a reader over <see cref="Sql"/> into a new entity.</summary>
    public Func<DbDataReader, TEntity> Materialize { get; }

    /// <summary>The key as the database stores it (through the key property's converter, if any).</summary>
    public object KeyValue(object key) => _keyConverter?.ConvertToProvider(key) ?? key;

    /// <exception cref="InvalidOperationException"><typeparamref name="TEntity"/> is not mapped to a table with a one-column key.</exception>
    public static RowByKeyQuery<TEntity> Build(IModel model, ISqlGenerationHelper sql)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sql);
        var entityType = model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not part of the model");
        var table = StoreObjectIdentifier.Table(
            entityType.GetTableName() ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped to a table"),
            entityType.GetSchema());
        var key = entityType.FindPrimaryKey()?.Properties is [var keyProperty]
            ? keyProperty
            : throw new InvalidOperationException($"{typeof(TEntity).Name} has no one-column primary key");

        // Shadow properties have no member to set; no read of this layer returns them.
        var columns = entityType.GetProperties().Where(property => property.PropertyInfo is not null).ToList();
        var parameterName = sql.GenerateParameterName(KeyParameter);
        var text = new StringBuilder("SELECT ")
            .AppendJoin(", ", columns.Select(property => sql.DelimitIdentifier(Column(property, table))))
            .Append(" FROM ").Append(sql.DelimitIdentifier(table.Name, table.Schema))
            .Append(" WHERE ").Append(sql.DelimitIdentifier(Column(key, table)))
            .Append(" = ").Append(sql.GenerateParameterNamePlaceholder(KeyParameter))
            .ToString();
        return new RowByKeyQuery<TEntity>(text, parameterName, key.GetTypeMapping().Converter, Compile(columns));
    }

    private static string Column(IProperty property, StoreObjectIdentifier table) =>
        property.GetColumnName(table) ?? throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} has no column in {table.Name}");

    private static Func<DbDataReader, TEntity> Compile(IReadOnlyList<IProperty> columns)
    {
        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var bindings = columns.Select((property, ordinal) => (MemberBinding)Expression.Bind(property.PropertyInfo!, ReadColumn(reader, property, ordinal)));
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
