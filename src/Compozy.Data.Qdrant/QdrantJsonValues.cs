using System.Text.Json;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Chunk metadata (JSON) as Qdrant's payload <see cref="Value"/>s and back. Qdrant.Client ships
/// the <c>Value</c> message and conversions from single .NET values, but nothing that reads or
/// writes JSON, so this is written here. Integers that fit 64 bits stay integers, so that
/// <c>match</c> compares them exactly; other numbers are doubles, as JSON readers take them.
/// </summary>
internal static class QdrantJsonValues
{
    public static Value ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var fields = new Struct();
                foreach (var property in element.EnumerateObject())
                {
                    fields.Fields[property.Name] = ToValue(property.Value);
                }

                return new Value { StructValue = fields };
            case JsonValueKind.Array:
                var list = new ListValue();
                list.Values.AddRange(element.EnumerateArray().Select(ToValue));
                return new Value { ListValue = list };
            case JsonValueKind.String:
                return new Value { StringValue = element.GetString() };
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                return new Value { IntegerValue = integer };
            case JsonValueKind.Number:
                return new Value { DoubleValue = element.GetDouble() };
            case JsonValueKind.True:
                return new Value { BoolValue = true };
            case JsonValueKind.False:
                return new Value { BoolValue = false };
            default:
                return new Value { NullValue = NullValue.NullValue };
        }
    }

    public static JsonElement ToJson(Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StructValue:
                writer.WriteStartObject();
                foreach (var (name, field) in value.StructValue.Fields)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            case Value.KindOneofCase.ListValue:
                writer.WriteStartArray();
                foreach (var item in value.ListValue.Values)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case Value.KindOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case Value.KindOneofCase.IntegerValue:
                writer.WriteNumberValue(value.IntegerValue);
                break;
            case Value.KindOneofCase.DoubleValue when double.IsFinite(value.DoubleValue):
                writer.WriteNumberValue(value.DoubleValue);
                break;
            case Value.KindOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            default:
                // null, an unset value, or a double JSON cannot carry (nothing the store writes).
                writer.WriteNullValue();
                break;
        }
    }
}
