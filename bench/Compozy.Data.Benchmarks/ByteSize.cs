using System.Globalization;

namespace Compozy.Data.Benchmarks;

/// <summary>Sizes on the command line (<c>100MB</c>, <c>1GB</c>, binary multiples) and in reports.</summary>
internal static class ByteSize
{
    public const long Kilobyte = 1L << 10;
    public const long Megabyte = 1L << 20;
    public const long Gigabyte = 1L << 30;

    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("GIB", Gigabyte), ("GB", Gigabyte), ("G", Gigabyte),
        ("MIB", Megabyte), ("MB", Megabyte), ("M", Megabyte),
        ("KIB", Kilobyte), ("KB", Kilobyte), ("K", Kilobyte),
        ("B", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = (text ?? string.Empty).Trim().ToUpperInvariant();
        var factor = 1L;
        foreach (var (suffix, unitFactor) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length].Trim();
                factor = unitFactor;
                break;
            }
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return false;
        }

        bytes = (long)(number * factor);
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"not a size: {text}");

    /// <summary>Short label, used in reports and in the cache file name (<c>1GB</c>, <c>100MB</c>, <c>1.5GB</c>).</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= Gigabyte => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)Gigabyte:0.##}GB"),
        >= Megabyte => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)Megabyte:0.##}MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes}B"),
    };
}
