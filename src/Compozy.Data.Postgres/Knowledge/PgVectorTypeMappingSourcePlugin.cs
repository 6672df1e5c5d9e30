using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Answers EF Core's type mapping lookups for the <c>vector</c> store type with
/// <see cref="PgVectorTypeMapping"/>. Only columns declared <c>vector</c> (the model customizer
/// does that for embeddings) match: other <c>float[]</c> properties keep Npgsql's <c>real[]</c>.
/// </summary>
internal sealed class PgVectorTypeMappingSourcePlugin : IRelationalTypeMappingSourcePlugin
{
    public RelationalTypeMapping? FindMapping(in RelationalTypeMappingInfo mappingInfo)
    {
        if (!string.Equals(mappingInfo.StoreTypeNameBase, PgVectorTypeMapping.StoreTypeName, StringComparison.OrdinalIgnoreCase)
            || (mappingInfo.ClrType is { } clrType && clrType != typeof(float[])))
        {
            return null;
        }

        return mappingInfo.StoreTypeName is null or PgVectorTypeMapping.StoreTypeName
            ? PgVectorTypeMapping.Default
            : new PgVectorTypeMapping(mappingInfo.StoreTypeName);
    }
}
