using System.Text.Json;

namespace Compozy.Api.Requests.Bodies;

/// <summary>One chunk of <see cref="ChunksBody"/>.</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class ChunkBody
{
    /// <summary>The chunk's id: 1 to 256 characters.</summary>
    public required string Id { get; init; }

    /// <summary>The document the chunk belongs to: 1 to 256 characters.</summary>
    public required string DocumentId { get; init; }

    /// <summary>The chunk's text.</summary>
    public required string Text { get; init; }

    /// <summary>The embedding, of the knowledge base's dimension.</summary>
    public required IReadOnlyList<float> Embedding { get; init; }

    /// <summary>A JSON object that search filters match on.</summary>
    public JsonElement? Metadata { get; init; }
}
