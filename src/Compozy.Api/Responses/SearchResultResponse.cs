using System.Text.Json;
using Compozy.Data.Knowledge;

namespace Compozy.Api.Responses;

/// <summary>One chunk found by a search.</summary>
/// <param name="Id">The chunk's id.</param>
/// <param name="Score">The metric's value between query and chunk: a similarity for cosine and dot (higher first), a distance for L2 (lower first).</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="Metadata">The chunk's metadata as stored, or <c>null</c>.</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
public sealed record SearchResultResponse(string Id, double Score, string Text, JsonElement? Metadata, string DocumentId)
{
    /// <summary>The response of a result of the knowledge store.</summary>
    public static SearchResultResponse From(VectorSearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Id, result.Score, result.Text, result.Metadata, result.DocumentId);
    }
}
