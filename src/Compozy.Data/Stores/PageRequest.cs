namespace Compozy.Data.Stores;

/// <summary>
/// Which page of a listing to read. Listings are ordered by creation time, then id, and paged by
/// key (the cursor names the last row seen), so rows inserted meanwhile neither repeat nor go
/// missing between pages.
/// </summary>
public sealed record PageRequest
{
    /// <summary>The largest <see cref="Limit"/> accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The first page of <see cref="DefaultLimit"/> rows.</summary>
    public static readonly PageRequest First = new();

    /// <summary>Rows per page when not given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Rows per page, from 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The <see cref="Page{T}.NextCursor"/> of the previous page, or <see langword="null"/> for the first.</summary>
    public string? After { get; init; }
}
