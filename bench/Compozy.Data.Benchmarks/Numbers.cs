using System.Globalization;

namespace Compozy.Data.Benchmarks;

/// <summary>Number formats for the printed tables (the JSON keeps full precision).</summary>
internal static class Numbers
{
    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Decimal(double value) => value switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        >= 0.1 => value.ToString("F2", CultureInfo.InvariantCulture),
        _ => value.ToString("F3", CultureInfo.InvariantCulture),
    };

    public static string Times(double value) => Decimal(value) + "x";
}
