using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Stores.Sql;

/// <summary>
/// One row of an entity by its primary key, for <see cref="IPreparedReads"/>: the <c>SELECT</c>
/// of every mapped column and the <see cref="EntityMaterializer{TEntity}"/> that reads it, both
/// built once from the EF model.
/// </summary>
internal sealed class RowByKeyQuery<TEntity>
    where TEntity : class
{
    private const string KeyParameter = "key";

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
        var materializer = EntityMaterializer<TEntity>.For(model);
        var key = model.FindEntityType(typeof(TEntity))!.FindPrimaryKey()?.Properties is [var keyProperty]
            ? keyProperty
            : throw new InvalidOperationException($"{typeof(TEntity).Name} has no one-column primary key");
        var text = $"SELECT {materializer.ColumnList(sql)} FROM {sql.DelimitIdentifier(materializer.Table.Name, materializer.Table.Schema)} " +
            $"WHERE {sql.DelimitIdentifier(materializer.Column(key))} = {sql.GenerateParameterNamePlaceholder(KeyParameter)}";
        return new RowByKeyQuery<TEntity>(text, sql.GenerateParameterName(KeyParameter), key.GetTypeMapping().Converter, materializer.Read);
    }
}
