using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Compozy.Data.Persistence.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// How a column's value is written in a dump and read back: exactly, whatever the database.
/// Timestamps are UTC ISO 8601 with seven fraction digits; embeddings are base64 of their
/// little-endian float32 bytes (bit for bit, NaN payloads and negative zero included); enums are
/// their stored names; JSON columns are JSON.
/// </summary>
internal static class DumpValues
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Writes <paramref name="value"/> of <paramref name="property"/>.</summary>
    public static void Write(Utf8JsonWriter writer, IProperty property, object? value, bool canonical = false)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case short number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case DateTime timestamp:
                // Whole microseconds, what the model stores: a value written by raw SQL before the
                // stores normalised it may hold 100 ns ticks the target would not keep.
                writer.WriteStringValue(UtcDateTimeConverter.ToStore(timestamp.ToUniversalTime()).ToString(TimestampFormat, CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset timestamp:
                writer.WriteStringValue(timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
                break;
            case Guid id:
                writer.WriteStringValue(id);
                break;
            case float[] vector:
                writer.WriteBase64StringValue(LittleEndianBytes(vector));
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case JsonElement json when canonical:
                WriteCanonicalJson(writer, json);
                break;
            case JsonElement json:
                json.WriteTo(writer);
                break;
            case Enum:
                writer.WriteStringValue(property.GetValueConverter()?.ConvertToProvider(value) as string ?? value.ToString());
                break;
            default:
                throw new NotSupportedException($"{property.DeclaringType.ClrType.Name}.{property.Name} is a {value.GetType().Name}, which the dump format does not encode");
        }
    }

    /// <summary>Reads a value of <paramref name="property"/> written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The value does not fit the column.</exception>
    public static object? Read(JsonElement element, IProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (element.ValueKind == JsonValueKind.Null && type != typeof(JsonElement))
        {
            return property.IsNullable ? null : throw new FormatException("is null, and the column does not allow null");
        }

        if (type == typeof(JsonElement))
        {
            return element.ValueKind == JsonValueKind.Null && property.IsNullable ? null : element.Clone();
        }

        try
        {
            return type switch
            {
                _ when type == typeof(string) => element.GetString(),
                _ when type == typeof(bool) => element.GetBoolean(),
                _ when type == typeof(int) => element.GetInt32(),
                _ when type == typeof(long) => element.GetInt64(),
                _ when type == typeof(short) => element.GetInt16(),
                _ when type == typeof(decimal) => element.GetDecimal(),
                _ when type == typeof(double) => element.GetDouble(),
                _ when type == typeof(DateTime) => DateTime.ParseExact(element.GetString()!, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                _ when type == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.ParseExact(element.GetString()!, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
                _ when type == typeof(Guid) => element.GetGuid(),
                _ when type == typeof(float[]) => FloatsOf(element.GetBytesFromBase64()),
                _ when type == typeof(byte[]) => element.GetBytesFromBase64(),
                _ when type.IsEnum => property.GetValueConverter() is { } converter
                    ? converter.ConvertFromProvider(element.GetString())
                    : Enum.Parse(type, element.GetString()!, ignoreCase: false),
                _ => throw new NotSupportedException($"{property.DeclaringType.ClrType.Name}.{property.Name} is a {type.Name}, which the dump format does not decode"),
            };
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"is not a {type.Name} ({exception.Message})", exception);
        }
    }

    /// <summary>The canonical encoding of a row, over which checksums are taken.</summary>
    public static byte[] Canonical(IReadOnlyList<IProperty> columns, object?[] values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var index = 0; index < columns.Count; index++)
            {
                Write(writer, columns[index], values[index], canonical: true);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // JSON content, not its spelling: PostgreSQL's jsonb keeps neither key order nor the way a
    // number was written (1e2 comes back as 100), so objects are compared with sorted keys and
    // numbers by value.
    private static void WriteCanonicalJson(Utf8JsonWriter writer, JsonElement json)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in json.EnumerateObject().OrderBy(member => member.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    WriteCanonicalJson(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in json.EnumerateArray())
                {
                    WriteCanonicalJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(CanonicalNumber(json), skipInputValidation: true);
                break;
            default:
                json.WriteTo(writer);
                break;
        }
    }

    private static string CanonicalNumber(JsonElement number)
    {
        if (number.TryGetDecimal(out var exact))
        {
            // Dividing by 1.0...0 drops trailing zeros, so that 1.50 and 1.5 read the same.
            return (exact / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
        }

        return number.GetDouble().ToString("R", CultureInfo.InvariantCulture);
    }

    private static byte[] LittleEndianBytes(float[] vector)
    {
        var bytes = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var offset = 0; offset < bytes.Length; offset += sizeof(float))
            {
                Array.Reverse(bytes, offset, sizeof(float));
            }
        }

        return bytes;
    }

    private static float[] FloatsOf(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"holds {bytes.Length} bytes, not a whole number of float32 values"));
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (var offset = 0; offset < bytes.Length; offset += sizeof(float))
            {
                Array.Reverse(bytes, offset, sizeof(float));
            }
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
