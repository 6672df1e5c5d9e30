namespace Compozy.Api.Responses;

/// <summary>One page of a listing; pass <see cref="NextCursor"/> as <c>after</c> for the next.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);
