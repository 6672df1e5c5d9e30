using Compozy.Data.Knowledge;

namespace Compozy.Api.Responses;

/// <summary>The answer of a search: <c>{"results": [{"id", "score", "text", "metadata", "document_id"}]}</c>, best first.</summary>
public sealed record SearchResponse(IReadOnlyList<VectorSearchResult> Results);
