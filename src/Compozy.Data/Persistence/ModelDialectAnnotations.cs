using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Persistence;

/// <summary>
/// Provider-neutral marks the entity configurations put on columns whose storage differs by
/// dialect. Each provider's model customizer reads them and applies its own column types,
/// collations, defaults and CHECK constraints, so no entity configuration names a database.
/// </summary>
public static class ModelDialectAnnotations
{
    /// <summary>Marks a JSON column; the value is a <see cref="JsonShape"/>.</summary>
    public const string Json = "Compozy:Json";

    /// <summary>Marks a text column compared and indexed without regard to case.</summary>
    public const string CaseInsensitive = "Compozy:CaseInsensitive";

    /// <summary>Marks a timestamp column whose database default is the current UTC time.</summary>
    public const string CurrentTimestampDefault = "Compozy:DefaultsToCurrentTimestamp";

    /// <summary>Marks a <c>float[]</c> embedding: PostgreSQL stores it as pgvector's <c>vector</c>, SQLite as float32 bytes.</summary>
    public const string Embedding = "Compozy:Embedding";

    /// <summary>The JSON shape a column must hold, or <see langword="null"/> when it is not JSON.</summary>
    public static JsonShape? GetJsonShape(this IReadOnlyProperty property) =>
        property.FindAnnotation(Json)?.Value is JsonShape shape ? shape : null;

    /// <summary>Whether the column compares without regard to case.</summary>
    public static bool IsCaseInsensitive(this IReadOnlyProperty property) =>
        property.FindAnnotation(CaseInsensitive)?.Value is true;

    /// <summary>Whether the property is an embedding (<c>float[]</c>) that the dialect stores in its own vector form.</summary>
    public static bool IsEmbedding(this IReadOnlyProperty property) =>
        property.FindAnnotation(Embedding)?.Value is true;

    /// <summary>Whether the column defaults to the current time in the database.</summary>
    public static bool HasCurrentTimestampDefault(this IReadOnlyProperty property) =>
        property.FindAnnotation(CurrentTimestampDefault)?.Value is true;
}
