using System.Text.Json;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compozy.Data.Persistence;

/// <summary>Neutral column declarations used by the entity configurations.</summary>
public static class CompozyPropertyBuilderExtensions
{
    /// <summary>
    /// Declares a JSON column: <c>jsonb</c> on PostgreSQL, TEXT checked by <c>json_valid</c> on
    /// SQLite (the provider decides), holding <paramref name="shape"/>.
    /// </summary>
    public static PropertyBuilder<JsonElement?> StoresJson(
        this PropertyBuilder<JsonElement?> builder, JsonShape shape = JsonShape.Any)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasConversion(new JsonElementConverter(), new JsonElementComparer());
        builder.HasAnnotation(ModelDialectAnnotations.Json, shape);
        return builder;
    }

    /// <summary>Declares a text column compared and made unique without regard to case.</summary>
    public static PropertyBuilder<string> IsCaseInsensitive(this PropertyBuilder<string> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasAnnotation(ModelDialectAnnotations.CaseInsensitive, true);
        return builder;
    }

    /// <summary>Marks an embedding column; each provider's model customizer gives it its vector type.</summary>
    public static PropertyBuilder<float[]> StoresEmbedding(this PropertyBuilder<float[]> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasAnnotation(ModelDialectAnnotations.Embedding, true);
        return builder;
    }

    /// <summary>
    /// Gives a timestamp column a database default of "now" for rows inserted outside this
    /// layer. EF always sends the value it holds, so the default never hides an unset property.
    /// </summary>
    public static PropertyBuilder<TProperty> DefaultsToCurrentTimestamp<TProperty>(this PropertyBuilder<TProperty> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasAnnotation(ModelDialectAnnotations.CurrentTimestampDefault, true);
        return builder;
    }

    /// <summary>
    /// Declares a database default while EF keeps sending the property's value, so inserts stay a
    /// plain INSERT (no RETURNING round trip) and the default still serves raw SQL inserts.
    /// </summary>
    public static PropertyBuilder<TProperty> HasStoreDefault<TProperty>(this PropertyBuilder<TProperty> builder, object value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HasDefaultValue(value);
        builder.ValueGeneratedNever();
        return builder;
    }
}
