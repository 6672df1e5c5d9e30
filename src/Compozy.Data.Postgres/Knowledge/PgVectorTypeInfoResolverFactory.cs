using Npgsql.Internal;
using Npgsql.Internal.Postgres;

namespace Compozy.Data.Postgres.Knowledge;

// Npgsql 10 marks its type-info resolver API experimental (NPG9001); it is the public extension
// point for types Npgsql does not know, and the Pgvector package (which would use it for us) is
// not available for Npgsql 10. The suppression covers this type only.
#pragma warning disable NPG9001

/// <summary>
/// Teaches Npgsql pgvector's <c>vector</c> type as <c>float[]</c>. The mapping matches only by the
/// PostgreSQL type name: a <c>float[]</c> parameter without <c>DataTypeName = "vector"</c> is
/// still sent as <c>real[]</c>, and a <c>vector</c> column reads as <c>float[]</c>.
/// </summary>
internal sealed class PgVectorTypeInfoResolverFactory : PgTypeInfoResolverFactory
{
    /// <summary>The PostgreSQL type name, unqualified so that it matches in whichever schema the extension was created.</summary>
    public const string DataTypeName = "vector";

    public override IPgTypeInfoResolver CreateResolver() => new Resolver();

    // vector[] is not needed: batches are sent as rows of parameters.
    public override IPgTypeInfoResolver? CreateArrayResolver() => null;

    private sealed class Resolver : IPgTypeInfoResolver
    {
        private readonly TypeInfoMappingCollection _mappings = CreateMappings();

        public PgTypeInfo? GetTypeInfo(Type? type, DataTypeName? dataTypeName, PgSerializerOptions options) =>
            _mappings.Find(type, dataTypeName, options);

        private static TypeInfoMappingCollection CreateMappings()
        {
            var mappings = new TypeInfoMappingCollection();
            mappings.AddType<float[]>(
                DataTypeName,
                static (options, mapping, _) => mapping.CreateInfo(options, new PgVectorConverter()),
                MatchRequirement.DataTypeName);
            return mappings;
        }
    }
}
