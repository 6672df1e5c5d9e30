using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// Stores every <see cref="DateTime"/> as UTC truncated to whole microseconds and reads it back
/// with <see cref="DateTimeKind.Utc"/>.
/// </summary>
/// <remarks>
/// PostgreSQL's <c>timestamptz</c> keeps microseconds while .NET ticks are 100 ns; truncating on
/// both providers makes a value read back equal to the value written, wherever it was stored.
/// SQLite returns <see cref="DateTimeKind.Unspecified"/>; marking it UTC on read keeps comparisons
/// with <see cref="DateTime.UtcNow"/> honest. An unspecified kind on write is refused (as Npgsql
/// does) rather than guessed, because guessing wrong shifts timestamps silently.
/// </remarks>
public sealed class UtcDateTimeConverter : ValueConverter<DateTime, DateTime>
{
    /// <summary>Creates the converter.</summary>
    public UtcDateTimeConverter()
        : base(value => ToStore(value), value => FromStore(value))
    {
    }

    /// <summary>Normalises a value to UTC whole microseconds.</summary>
    /// <exception cref="ArgumentException">The value's kind is <see cref="DateTimeKind.Unspecified"/>.</exception>
    public static DateTime ToStore(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => throw new ArgumentException(
                $"DateTime value {value:O} has Kind=Unspecified; Compozy.Data stores UTC only. " +
                "Use DateTime.UtcNow or DateTime.SpecifyKind(value, DateTimeKind.Utc).",
                nameof(value)),
        };
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    private static DateTime FromStore(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
