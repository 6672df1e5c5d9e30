using System.Globalization;

namespace Compozy.Data.Audit;

/// <summary>The times the audit listing's <c>since</c> and <c>until</c> accept: RFC 3339 with an offset.</summary>
public static class AuditTimes
{
    /// <summary>What is allowed, for error messages.</summary>
    public const string Allowed = "an RFC 3339 time with an offset, for example 2026-12-01T00:00:00Z";

    /// <summary>Parses <paramref name="value"/> to UTC; <see langword="false"/> without a date, a time or an offset, which could be read in any zone.</summary>
    public static bool TryParse(string? value, out DateTime utc)
    {
        utc = default;
        if (value is null)
        {
            return false;
        }

        var time = value.IndexOfAny(['T', 't']);
        var hasOffset = value.EndsWith('Z') || value.EndsWith('z') || value.LastIndexOfAny(['+', '-']) > time;
        if (time < 0 || !hasOffset
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        utc = parsed.UtcDateTime;
        return true;
    }
}
