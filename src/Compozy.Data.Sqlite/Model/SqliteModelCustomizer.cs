using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Sqlite.Model;

/// <summary>
/// SQLite's dialect of the model: JSON columns are TEXT guarded by <c>json_valid</c> CHECKs,
/// case-insensitive text uses the <c>NOCASE</c> collation (ASCII case folding, which the
/// <c>sqlite3</c> shell also understands), timestamp defaults use the text format EF reads, and
/// embeddings are float32 little-endian BLOBs.
/// </summary>
internal sealed class SqliteModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
{
    /// <summary>Current UTC time in the text format EF Core's SQLite provider writes and parses.</summary>
    public const string CurrentTimestampSql = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    /// <inheritdoc />
    public override void Customize(ModelBuilder modelBuilder, DbContext context)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.Customize(modelBuilder, context);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            var table = entityType.GetTableName()!;
            foreach (var property in entityType.GetDeclaredProperties())
            {
                var column = property.GetColumnName();
                if (property.GetJsonShape() is { } shape)
                {
                    property.SetColumnType("TEXT");
                    entityType.AddCheckConstraint(
                        $"ck_{table}_{column}_json",
                        shape switch
                        {
                            JsonShape.Array => $"\"{column}\" IS NULL OR (CASE WHEN json_valid(\"{column}\") THEN json_type(\"{column}\") = 'array' ELSE 0 END)",
                            JsonShape.Mapping => $"\"{column}\" IS NULL OR (CASE WHEN json_valid(\"{column}\") THEN json_type(\"{column}\") = 'object' ELSE 0 END)",
                            _ => $"\"{column}\" IS NULL OR json_valid(\"{column}\")",
                        });
                }

                if (property.IsEmbedding())
                {
                    property.SetColumnType("BLOB");

                    // One value, not a primitive collection of floats (EF's default for arrays, stored as JSON).
                    property.SetElementType(null);
                    property.SetValueConverter(new SqliteEmbeddingConverter());
                    property.SetValueComparer(new SqliteEmbeddingComparer());
                }

                if (property.IsCaseInsensitive())
                {
                    property.SetCollation("NOCASE");
                }

                if (property.HasCurrentTimestampDefault())
                {
                    property.SetDefaultValueSql(CurrentTimestampSql);
                    property.ValueGenerated = ValueGenerated.Never;
                }
            }
        }
    }
}
