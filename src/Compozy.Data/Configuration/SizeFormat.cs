using System.Globalization;

namespace Compozy.Data.Configuration;

/// <summary>
/// Sizes as operators write them: a number of bytes, or a number with <c>KB</c>, <c>MB</c>,
/// <c>GB</c> (powers of 1024, as SQLite and most operators mean them) or the explicit
/// <c>KiB</c>, <c>MiB</c>, <c>GiB</c>.
/// </summary>
public static class SizeFormat
{
    /// <summary>Parses a size; <see langword="false"/> on malformed or negative input.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var span = (text ?? string.Empty).Trim();
        var digits = 0;
        while (digits < span.Length && char.IsAsciiDigit(span[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(span.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        long? multiplier = span[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "KB" or "KIB" or "K" => 1L << 10,
            "MB" or "MIB" or "M" => 1L << 20,
            "GB" or "GIB" or "G" => 1L << 30,
            _ => null,
        };
        if (multiplier is null || number > long.MaxValue / multiplier.Value)
        {
            return false;
        }

        bytes = number * multiplier.Value;
        return true;
    }

    /// <summary>Formats a size in the largest whole unit.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}GB"),
        >= 1L << 20 when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}MB"),
        >= 1L << 10 when bytes % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10}KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes}B"),
    };
}
