namespace Compozy.Api.Requests.Bodies;

/// <summary>Chunks to delete from a knowledge base (<c>DELETE /knowledge/{kb}/chunks</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class ChunkIdsBody
{
    /// <summary>1 to 1000 chunk ids.</summary>
    public required IReadOnlyList<string> Ids { get; init; }
}
