using Compozy.Data.Persistence;
using Compozy.Data.Postgres.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Postgres.Model;

/// <summary>
/// PostgreSQL's dialect of the model: JSON columns are <c>jsonb</c> (validated by the type
/// itself), case-insensitive text uses a nondeterministic ICU collation (so the unique index and
/// equality both ignore case, for all of Unicode), timestamp defaults are <c>now()</c>, and
/// embeddings are pgvector's <c>vector</c> (without a dimension: knowledge bases of different
/// dimensions share the column, and each one's HNSW index casts to its own).
/// </summary>
internal sealed class PostgresModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
{
    /// <summary>The collation used for case-insensitive columns.</summary>
    public const string CaseInsensitiveCollation = "compozy_case_insensitive";

    /// <inheritdoc />
    public override void Customize(ModelBuilder modelBuilder, DbContext context)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.Customize(modelBuilder, context);

        var needsCollation = false;
        var needsVector = false;
        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            var table = entityType.GetTableName()!;
            foreach (var property in entityType.GetDeclaredProperties())
            {
                var column = property.GetColumnName();
                if (property.GetJsonShape() is { } shape)
                {
                    property.SetColumnType("jsonb");
                    if (shape is JsonShape.Array or JsonShape.Mapping)
                    {
                        var type = shape == JsonShape.Array ? "array" : "object";
                        entityType.AddCheckConstraint($"ck_{table}_{column}_json", $"jsonb_typeof(\"{column}\") = '{type}'");
                    }
                }

                if (property.IsEmbedding())
                {
                    // One pgvector value, not EF's primitive collection of floats (which would be real[]):
                    // the entity keeps float[] for both databases, and PostgreSQL stores it through
                    // the Pgvector package's Vector mapping.
                    property.SetElementType(null);
                    property.SetColumnType(PgVectorSql.VectorType);
                    property.SetValueConverter(new PgVectorEmbeddingConverter());
                    property.SetValueComparer(new PgVectorEmbeddingComparer());
                    needsVector = true;
                }

                if (property.IsCaseInsensitive())
                {
                    property.SetCollation(CaseInsensitiveCollation);
                    needsCollation = true;
                }

                if (property.HasCurrentTimestampDefault())
                {
                    property.SetDefaultValueSql("now()");
                    property.ValueGenerated = ValueGenerated.Never;
                }
            }
        }

        if (needsCollation)
        {
            modelBuilder.HasCollation(CaseInsensitiveCollation, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        }

        if (needsVector)
        {
            modelBuilder.HasPostgresExtension(PgVectorSql.VectorType);
        }
    }
}
