namespace Compozy.Api.Requests.Bodies;

/// <summary>Chunks to write into a knowledge base (<c>POST /knowledge/{kb}/chunks</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class ChunksBody
{
    /// <summary>1 to 1000 chunks; a chunk with the id of a stored one replaces it.</summary>
    public required IReadOnlyList<ChunkBody> Chunks { get; init; }
}
