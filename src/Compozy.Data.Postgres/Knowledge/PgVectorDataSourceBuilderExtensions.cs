using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>Plugs pgvector's <c>vector</c> type into an Npgsql data source.</summary>
public static class PgVectorDataSourceBuilderExtensions
{
    /// <summary>
    /// Maps <c>vector</c> to <c>float[]</c> in pgvector's binary format. Parameters must say
    /// <c>DataTypeName = "vector"</c> (see <see cref="PgVectorSql.Parameter"/>); values read from a
    /// <c>vector</c> column come back as <c>float[]</c>. The extension must exist in the database
    /// when the data source first connects, or the data source must reload its types after
    /// <c>CREATE EXTENSION vector</c> (EF's migrator does that after a migration creates it).
    /// </summary>
    public static NpgsqlDataSourceBuilder UsePgVector(this NpgsqlDataSourceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Experimental (NPG9001) in Npgsql 10, and the only way to add a type in binary form; see PgVectorTypeInfoResolverFactory.
#pragma warning disable NPG9001
        builder.AddTypeInfoResolverFactory(new PgVectorTypeInfoResolverFactory());
#pragma warning restore NPG9001
        return builder;
    }
}
