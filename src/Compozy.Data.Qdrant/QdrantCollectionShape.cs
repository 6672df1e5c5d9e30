using System.Globalization;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The vectors an existing collection holds, read from its <c>VectorsConfig</c>: one unnamed
/// vector (<see cref="Size"/> and <see cref="Distance"/>), or named vectors, which this store
/// cannot use.
/// </summary>
internal sealed record QdrantCollectionShape(ulong? Size, Distance? Distance, IReadOnlyList<string> NamedVectors)
{
    public static QdrantCollectionShape Read(VectorsConfig? vectors) => vectors?.ConfigCase switch
    {
        VectorsConfig.ConfigOneofCase.Params => new QdrantCollectionShape(vectors.Params.Size, vectors.Params.Distance, []),
        VectorsConfig.ConfigOneofCase.ParamsMap => new QdrantCollectionShape(null, null, [.. vectors.ParamsMap.Map.Keys.Order(StringComparer.Ordinal)]),
        _ => new QdrantCollectionShape(null, null, []),
    };

    /// <summary>Whether it is one unnamed vector of <paramref name="size"/> and <paramref name="distance"/>.</summary>
    public bool Is(int size, Distance distance) => NamedVectors.Count == 0 && Size == (ulong)size && Distance == distance;

    /// <summary>How an operator would describe it: <c>size 768, distance Cosine</c>.</summary>
    public string Describe() => NamedVectors.Count > 0
        ? $"named vectors ({string.Join(", ", NamedVectors)}) instead of one unnamed vector"
        : $"size {Size?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, distance {Distance?.ToString() ?? "unknown"}";
}
