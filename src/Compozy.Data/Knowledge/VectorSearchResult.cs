using System.Text.Json;

namespace Compozy.Data.Knowledge;

/// <summary>One search hit, best first in a result list.</summary>
/// <param name="Id">The chunk id.</param>
/// <param name="Score">The <see cref="VectorMetric"/> value between query and chunk: a similarity for cosine and dot (higher first), a distance for L2 (lower first).</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="Metadata">The chunk's metadata, or <see langword="null"/>.</param>
/// <param name="DocumentId">The chunk's document.</param>
public sealed record VectorSearchResult(string Id, double Score, string Text, JsonElement? Metadata, string DocumentId);
