using System.Text.Json;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The vectors an existing collection holds, read from its <c>VectorsConfig</c>: one unnamed
/// vector (<see cref="Size"/> and <see cref="Distance"/>), or named vectors, which this store
/// cannot use.
/// </summary>
internal sealed record QdrantCollectionShape(long? Size, string? Distance, IReadOnlyList<string> NamedVectors)
{
    public static QdrantCollectionShape Read(JsonElement? vectors)
    {
        if (vectors is not { ValueKind: JsonValueKind.Object } config)
        {
            return new QdrantCollectionShape(null, null, []);
        }

        if (config.TryGetProperty("size", out var size) || config.TryGetProperty("distance", out _))
        {
            return new QdrantCollectionShape(
                size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var value) ? value : null,
                config.TryGetProperty("distance", out var distance) && distance.ValueKind == JsonValueKind.String ? distance.GetString() : null,
                []);
        }

        return new QdrantCollectionShape(null, null, [.. config.EnumerateObject().Select(property => property.Name)]);
    }

    /// <summary>How an operator would describe it: <c>size 768, distance Cosine</c>.</summary>
    public string Describe() => NamedVectors.Count > 0
        ? $"named vectors ({string.Join(", ", NamedVectors)}) instead of one unnamed vector"
        : $"size {Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, distance {Distance ?? "unknown"}";
}
