namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>PointStruct</c>: a chunk as a point, its id derived by <see cref="QdrantPointIds"/>.</summary>
internal sealed class PointBody
{
    public required string Id { get; init; }

    public required float[] Vector { get; init; }

    public required ChunkPayload Payload { get; init; }
}
