using System.Text.Json;

namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>ScoredPoint</c>: one hit.</summary>
internal sealed class ScoredPointResult
{
    /// <summary>An <c>ExtendedPointId</c> (integer or UUID); only used in messages, the chunk id is in the payload.</summary>
    public JsonElement Id { get; set; }

    /// <summary>Cosine similarity, dot product, or (for <c>Euclid</c>) the Euclidean distance.</summary>
    public double Score { get; set; }

    public ChunkPayload? Payload { get; set; }
}
