namespace Compozy.Data.Stores;

/// <summary>One page of a listing, oldest first.</summary>
/// <param name="Items">The rows of this page.</param>
/// <param name="NextCursor">Pass as <see cref="PageRequest.After"/> for the next page; <see langword="null"/> on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
