namespace Compozy.Api.Responses;

/// <summary>The answer of a search: the chunks found, best first.</summary>
public sealed record SearchResponse(IReadOnlyList<SearchResultResponse> Results);
