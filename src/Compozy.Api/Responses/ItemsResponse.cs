namespace Compozy.Api.Responses;

/// <summary>A whole listing, <c>{"items": [...]}</c>: every item, not a page.</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
