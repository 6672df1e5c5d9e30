using System.Text.Json;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// A JSON value as a metadata filter compares it: strings by ordinal equality, numbers by value
/// (<c>1</c>, <c>1.0</c> and <c>1e0</c> are equal), <c>true</c>, <c>false</c> and <c>null</c> by
/// kind. Objects and arrays are kept only as "not a scalar": they equal nothing.
/// </summary>
internal readonly struct EmbeddedScalar : IEquatable<EmbeddedScalar>
{
    private readonly JsonValueKind _kind;
    private readonly string? _text;
    private readonly decimal _decimal;
    private readonly double _double;
    private readonly NumberForm _form;

    private EmbeddedScalar(JsonValueKind kind, string? text = null, decimal decimalValue = 0, double doubleValue = 0, NumberForm form = NumberForm.None)
    {
        _kind = kind;
        _text = text;
        _decimal = decimalValue;
        _double = doubleValue;
        _form = form;
    }

    private enum NumberForm : byte
    {
        None,
        Decimal,
        Double,
        Text,
    }

    /// <summary>Whether this is a string, number, boolean or null (a filter may only hold those).</summary>
    public bool IsScalar => _kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    /// <summary>The string value, for interning; <see langword="null"/> for other kinds.</summary>
    public string? Text => _kind == JsonValueKind.String ? _text : null;

    /// <summary>Reads <paramref name="element"/>; <paramref name="intern"/> may replace the string value with a shared instance.</summary>
    public static EmbeddedScalar From(JsonElement element, Func<string, string>? intern = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                return new EmbeddedScalar(JsonValueKind.String, intern is null ? text : intern(text));
            case JsonValueKind.Number:
                // decimal keeps every integer id and short decimal exact; double covers the
                // exponent range beyond it; the raw text is the last resort (1e400).
                if (element.TryGetDecimal(out var decimalValue))
                {
                    return new EmbeddedScalar(JsonValueKind.Number, decimalValue: decimalValue, form: NumberForm.Decimal);
                }

                return element.TryGetDouble(out var doubleValue) && double.IsFinite(doubleValue)
                    ? new EmbeddedScalar(JsonValueKind.Number, doubleValue: doubleValue, form: NumberForm.Double)
                    : new EmbeddedScalar(JsonValueKind.Number, text: element.GetRawText(), form: NumberForm.Text);
            case JsonValueKind.True:
            case JsonValueKind.False:
            case JsonValueKind.Null:
                return new EmbeddedScalar(element.ValueKind);
            default:
                return new EmbeddedScalar(JsonValueKind.Object);
        }
    }

    /// <summary>Returns the same value with its string replaced by <paramref name="intern"/>'s instance.</summary>
    public EmbeddedScalar Interned(Func<string, string> intern) =>
        _kind == JsonValueKind.String ? new EmbeddedScalar(_kind, intern(_text!)) : this;

    /// <inheritdoc />
    public bool Equals(EmbeddedScalar other)
    {
        if (!IsScalar || _kind != other._kind)
        {
            return false;
        }

        return _kind switch
        {
            JsonValueKind.String => string.Equals(_text, other._text, StringComparison.Ordinal),
            JsonValueKind.Number => NumberEquals(other),
            _ => true,
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EmbeddedScalar other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _kind switch
    {
        JsonValueKind.String => HashCode.Combine(_kind, StringComparer.Ordinal.GetHashCode(_text!)),
        JsonValueKind.Number => _kind.GetHashCode(),
        _ => _kind.GetHashCode(),
    };

    public static bool operator ==(EmbeddedScalar left, EmbeddedScalar right) => left.Equals(right);

    public static bool operator !=(EmbeddedScalar left, EmbeddedScalar right) => !left.Equals(right);

    private bool NumberEquals(EmbeddedScalar other)
    {
        if (_form == NumberForm.Decimal && other._form == NumberForm.Decimal)
        {
            return _decimal == other._decimal;
        }

        if (_form != NumberForm.Text && other._form != NumberForm.Text)
        {
            return AsDouble() == other.AsDouble();
        }

        return _form == other._form && string.Equals(_text, other._text, StringComparison.Ordinal);
    }

    private double AsDouble() => _form == NumberForm.Decimal ? (double)_decimal : _double;
}
