using System.Data.Common;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// EF Core's mapping of a <c>float[]</c> embedding to pgvector's <c>vector</c>: parameters are sent
/// with <c>DataTypeName = "vector"</c> (so Npgsql writes pgvector's binary format, see
/// <see cref="PgVectorDataSourceBuilderExtensions.UsePgVector"/>), values are read as
/// <c>float[]</c>, and changes are detected by comparing the values, not the array reference.
/// </summary>
public sealed class PgVectorTypeMapping : RelationalTypeMapping
{
    /// <summary>The store type: <c>vector</c> without a dimension, so knowledge bases of different dimensions share the column.</summary>
    public const string StoreTypeName = "vector";

    private static readonly ValueComparer<float[]> ValuesComparer = new(
        (left, right) => AreEqual(left, right),
        values => HashOf(values),
        values => values.ToArray());

    /// <summary>Creates the mapping for <paramref name="storeType"/> (<c>vector</c>, or <c>vector(n)</c>).</summary>
    public PgVectorTypeMapping(string storeType = StoreTypeName)
        : base(new RelationalTypeMappingParameters(
            new CoreTypeMappingParameters(typeof(float[]), comparer: ValuesComparer, keyComparer: ValuesComparer, providerValueComparer: ValuesComparer),
            storeType))
    {
    }

    private PgVectorTypeMapping(RelationalTypeMappingParameters parameters)
        : base(parameters)
    {
    }

    /// <summary>The mapping of the plain <c>vector</c> store type.</summary>
    public static PgVectorTypeMapping Default { get; } = new();

    /// <inheritdoc />
    protected override RelationalTypeMapping Clone(RelationalTypeMappingParameters parameters) => new PgVectorTypeMapping(parameters);

    /// <inheritdoc />
    protected override void ConfigureParameter(DbParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter is not NpgsqlParameter npgsql)
        {
            throw new InvalidOperationException($"a vector parameter needs Npgsql; got {parameter.GetType().Name}");
        }

        npgsql.DataTypeName = PgVectorTypeInfoResolverFactory.DataTypeName;
    }

    /// <inheritdoc />
    protected override string GenerateNonNullSqlLiteral(object value) =>
        $"'{PgVectorValues.ToText((float[])value)}'::{StoreType}";

    private static bool AreEqual(float[]? left, float[]? right) =>
        left is null || right is null ? ReferenceEquals(left, right) : left.AsSpan().SequenceEqual(right);

    private static int HashOf(float[] values)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return hash.ToHashCode();
    }
}
