using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Compozy.Data.Stores;

/// <summary>The position after the last row of a page: its creation time and id, as an opaque string.</summary>
internal readonly record struct PageCursor(DateTime CreatedAt, string Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.Ticks}:{Id}")));

    /// <exception cref="ArgumentException">The cursor was not made by <see cref="Encode"/>.</exception>
    public static PageCursor? Decode(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var separator = text.IndexOf(':', StringComparison.Ordinal);
            if (separator > 0 && long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks)
            {
                return new PageCursor(new DateTime(ticks, DateTimeKind.Utc), text[(separator + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below like any other cursor this code did not make.
        }

        throw new ArgumentException("is not a cursor returned by a previous page", nameof(cursor));
    }
}
