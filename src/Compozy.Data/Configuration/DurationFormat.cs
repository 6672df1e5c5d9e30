using System.Globalization;
using System.Text;

namespace Compozy.Data.Configuration;

/// <summary>
/// Go-style durations as Compozy writes them: a sequence of number+unit pairs
/// (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), for example <c>500ms</c>, <c>1m30s</c>.
/// A bare number is not accepted: <c>5</c> could mean seconds or milliseconds.
/// </summary>
public static class DurationFormat
{
    /// <summary>Parses a duration; <see langword="false"/> on any malformed or negative input.</summary>
    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, allowDays: false, out duration);

    /// <summary>
    /// Parses a duration that may also use days (<c>d</c>, 24 hours), as retention ages are
    /// written (<c>30d</c>); <see langword="false"/> on any malformed or negative input. Days are
    /// opt-in because the other settings keep Go's units, which have none.
    /// </summary>
    public static bool TryParse(string? text, bool allowDays, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = (text ?? string.Empty).Trim();
        if (span.Length == 0)
        {
            return false;
        }

        if (span == "0")
        {
            return true;
        }

        var total = 0m;
        var index = 0;
        while (index < span.Length)
        {
            var start = index;
            while (index < span.Length && (char.IsAsciiDigit(span[index]) || span[index] == '.'))
            {
                index++;
            }

            if (start == index
                || !decimal.TryParse(span.AsSpan(start, index - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = index;
            while (index < span.Length && char.IsAsciiLetter(span[index]))
            {
                index++;
            }

            decimal? unitMilliseconds = span[unitStart..index] switch
            {
                "ms" => 1m,
                "s" => 1_000m,
                "m" => 60_000m,
                "h" => 3_600_000m,
                "d" when allowDays => 86_400_000m,
                _ => null,
            };
            if (unitMilliseconds is null)
            {
                return false;
            }

            total += number * unitMilliseconds.Value;
            if (total > (decimal)TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                return false;
            }
        }

        duration = TimeSpan.FromMilliseconds((double)total);
        return true;
    }

    /// <summary>Formats an age: whole days as days (<c>30d</c>), anything else as <see cref="Format"/> does.</summary>
    public static string FormatAge(TimeSpan age) => age > TimeSpan.Zero && age.Ticks % TimeSpan.TicksPerDay == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{age.Ticks / TimeSpan.TicksPerDay}d")
        : Format(age);

    /// <summary>Formats a duration the way it would be written in <c>compozy.yaml</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration < TimeSpan.Zero)
        {
            return "-" + Format(duration.Negate());
        }

        var builder = new StringBuilder();
        if (duration.TotalHours >= 1)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}h");
        }

        if (duration.Minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }

        var subSecond = duration - TimeSpan.FromSeconds(Math.Truncate(duration.TotalSeconds));
        if (subSecond > TimeSpan.Zero)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{subSecond.TotalMilliseconds:0.####}ms");
        }

        return builder.ToString();
    }
}
