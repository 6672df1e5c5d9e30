namespace Compozy.Data.Stores;

/// <summary>The keyset paging the listings share.</summary>
internal static class Paging
{
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1 to <see cref="PageRequest.MaxLimit"/>.</exception>
    public static int Limit(PageRequest page)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Limit, 1, "limit");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page.Limit, PageRequest.MaxLimit, "limit");
        return page.Limit;
    }

    /// <summary>Keeps the first <see cref="PageRequest.Limit"/> of rows read with one extra, which tells whether a next page exists.</summary>
    public static Page<T> Cut<T>(List<T> rows, PageRequest page, Func<T, PageCursor> cursorOf)
    {
        if (rows.Count <= page.Limit)
        {
            return new Page<T>(rows, NextCursor: null);
        }

        rows.RemoveRange(page.Limit, rows.Count - page.Limit);
        return new Page<T>(rows, cursorOf(rows[^1]).Encode());
    }
}
