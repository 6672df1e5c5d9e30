using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Compozy.Data.Errors;

namespace Compozy.Data.Persistence;

/// <summary>
/// What JSON (and text) both databases store faithfully and this layer reads back: the rules a
/// value must pass before it is written, so that nothing is stored that a later read cannot return.
/// </summary>
/// <remarks>
/// <para>Strings and keys must be well-formed Unicode without <c>\u0000</c>: System.Text.Json
/// parses a lone surrogate escape (<c>"\ud800"</c>) and invalid UTF-8 bytes without complaint but
/// cannot decode or write them again; PostgreSQL refuses both, and <c>\u0000</c>, in <c>jsonb</c>
/// and <c>text</c>, while SQLite keeps them verbatim.</para>
/// <para>A key may appear once per object: <c>jsonb</c> keeps the last of duplicates, SQLite's text
/// keeps all of them, so the two databases would read back different values.</para>
/// <para>Numbers must fit both databases: PostgreSQL stores a JSON number as <c>numeric</c>,
/// which refuses an exponent far out of range (<c>1e200000</c>, <c>1e-20000</c>) that SQLite
/// keeps as text. The rule (a finite float64, an exponent from -1000 to 1000, at most 1000 digits
/// after the decimal point once the exponent is applied) is narrower than PostgreSQL's and holds
/// every number a JSON library writes.</para>
/// <para>Values nest at most <see cref="MaxDepth"/> levels, which is also the depth reads accept.</para>
/// </remarks>
public static class StoredJson
{
    /// <summary>The deepest a stored JSON value may nest (arrays and objects each count one level); reads accept as much.</summary>
    public const int MaxDepth = 128;

    /// <summary>The largest exponent magnitude a stored number may be written with.</summary>
    public const int MaxExponent = 1000;

    /// <summary>The most digits after the decimal point a stored number may have once its exponent is applied.</summary>
    public const int MaxFractionDigits = 1000;

    /// <summary>The most problems one check reports; a value with more is refused after the first ones.</summary>
    public const int MaxProblems = 100;

    private static readonly string NumberAllowed = string.Create(
        CultureInfo.InvariantCulture,
        $"allowed: a finite number up to 1.7976931348623157e308 (a float64's largest) in magnitude, written with an exponent from -{MaxExponent} to {MaxExponent} and at most {MaxFractionDigits} digits after the decimal point");

    /// <summary>Options for parsing stored JSON text: the depth that <see cref="Check"/> allows.</summary>
    public static JsonDocumentOptions ReadOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>Options for serializing JSON the layer builds itself (a completed workflow's output): the depth reads accept.</summary>
    public static JsonSerializerOptions WriteOptions { get; } = new(JsonSerializerDefaults.General) { MaxDepth = MaxDepth };

    /// <summary>Records every problem of <paramref name="value"/> under <paramref name="field"/> and the paths inside it (<c>output.items[2].name</c>).</summary>
    public static void Check(RequestProblems problems, string field, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(field);
        new Walker(problems, field).Value(field, null, -1, value, 1);
    }

    /// <summary>
    /// Records every problem of a request body: its members are named by their keys
    /// (<c>output</c>, <c>chunks[0].metadata.lang</c>), problems of the body itself by <paramref name="bodyField"/>.
    /// </summary>
    public static void CheckBody(RequestProblems problems, JsonElement body, string bodyField = "body")
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(bodyField);
        new Walker(problems, bodyField).Value(string.Empty, null, -1, body, 1);
    }

    /// <summary>The problem of a text value (an id, a chunk's text), or <see langword="null"/> when it can be stored.</summary>
    public static string? TextProblem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var index = 0; index < text.Length; index++)
        {
            var character = text[index];
            if (character == '\0')
            {
                return NulProblem;
            }

            if (char.IsHighSurrogate(character) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                index++;
            }
            else if (char.IsSurrogate(character))
            {
                return LoneSurrogateProblem;
            }
        }

        return null;
    }

    private const string NulProblem = "holds \\u0000, which the databases cannot store in text; remove it";

    private const string LoneSurrogateProblem = "holds a lone UTF-16 surrogate (\\ud800 to \\udfff must come in high-low pairs); text must be well-formed Unicode";

    private const string NotUtf8Problem = "holds bytes that are not UTF-8; send the body as UTF-8";

    private static string? StringProblem(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            // No escape: JSON allows no raw control character, so only the bytes can be wrong.
            return Utf8.IsValid(raw) ? null : NotUtf8Problem;
        }

        return DecodedTextProblem(raw, value.GetString);
    }

    private static string? KeyProblem(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Utf8.IsValid(raw) ? null : NotUtf8Problem;
        }

        return DecodedTextProblem(raw, () => property.Name);
    }

    private static string? DecodedTextProblem(ReadOnlySpan<byte> raw, Func<string?> decode)
    {
        string text;
        try
        {
            text = decode()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json cannot decode it: either raw bytes that are not UTF-8, or an
            // escape that decodes to half a surrogate pair.
            return Utf8.IsValid(raw) ? LoneSurrogateProblem : NotUtf8Problem;
        }

        return text.Contains('\0', StringComparison.Ordinal) ? NulProblem : null;
    }

    private static string? NumberProblem(JsonElement number)
    {
        var raw = JsonMarshal.GetRawUtf8Value(number);
        if (!FitsRange(raw, out var mayOverflow) || (mayOverflow && !(number.TryGetDouble(out var value) && double.IsFinite(value))))
        {
            var shown = raw.Length <= 40 ? Encoding.ASCII.GetString(raw) : $"{Encoding.ASCII.GetString(raw[..37])}...";
            return $"is {shown}; {NumberAllowed}";
        }

        return null;
    }

    /// <summary>
    /// Reads the parts of a number the JSON grammar allows, <c>-?digits(.digits)?([eE][+-]?digits)?</c>,
    /// and checks its exponent and the digits after the point. <paramref name="mayOverflow"/> says
    /// whether it may exceed a float64, which only parsing it tells: a value below 10^308 cannot,
    /// and most numbers are decided without being parsed.
    /// </summary>
    private static bool FitsRange(ReadOnlySpan<byte> raw, out bool mayOverflow)
    {
        var index = raw.Length > 0 && raw[0] == (byte)'-' ? 1 : 0;
        var integerDigits = 0;
        while (index < raw.Length && char.IsAsciiDigit((char)raw[index]))
        {
            index++;
            integerDigits++;
        }

        var fractionDigits = 0;
        if (index < raw.Length && raw[index] == (byte)'.')
        {
            index++;
            while (index < raw.Length && char.IsAsciiDigit((char)raw[index]))
            {
                index++;
                fractionDigits++;
            }
        }

        long exponent = 0;
        if (index < raw.Length && raw[index] is (byte)'e' or (byte)'E')
        {
            index++;
            var negative = raw[index] == (byte)'-';
            if (raw[index] is (byte)'-' or (byte)'+')
            {
                index++;
            }

            for (; index < raw.Length; index++)
            {
                exponent = (exponent * 10) + (raw[index] - '0');
                if (exponent > MaxExponent)
                {
                    mayOverflow = false;
                    return false;
                }
            }

            exponent = negative ? -exponent : exponent;
        }

        mayOverflow = integerDigits + exponent > 308;
        return fractionDigits - exponent <= MaxFractionDigits;
    }

    /// <summary>
    /// One check: walks a value depth-first, naming each problem by its path, up to
    /// <see cref="MaxProblems"/>. A path is built only for containers and for problems, not for
    /// every value (an embedding has thousands).
    /// </summary>
    private sealed class Walker(RequestProblems problems, string rootField)
    {
        private int _count;

        /// <summary>Checks <paramref name="value"/>, found under <paramref name="key"/> (or at <paramref name="index"/>) of <paramref name="parent"/>; neither for the value the check starts at.</summary>
        public void Value(string parent, string? key, int index, JsonElement value, int depth)
        {
            if (_count >= MaxProblems)
            {
                return;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String when StringProblem(value) is { } problem:
                    Add(Path(parent, key, index), problem);
                    break;
                case JsonValueKind.Number when NumberProblem(value) is { } problem:
                    Add(Path(parent, key, index), problem);
                    break;
                case JsonValueKind.Array or JsonValueKind.Object when depth > MaxDepth:
                    Add(Path(parent, key, index), string.Create(CultureInfo.InvariantCulture, $"nests more than {MaxDepth} levels deep; allowed: at most {MaxDepth}"));
                    break;
                case JsonValueKind.Array:
                    var path = Path(parent, key, index);
                    var position = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Value(path, null, position++, item, depth + 1);
                    }

                    break;
                case JsonValueKind.Object:
                    Members(Path(parent, key, index), value, depth);
                    break;
                default:
                    break;
            }
        }

        private void Members(string path, JsonElement value, int depth)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                if (KeyProblem(property) is { } keyProblem)
                {
                    Add(path, $"has a key that {keyProblem}");
                    continue;
                }

                if (!seen.Add(property.Name))
                {
                    Add(Child(path, property.Name), "appears more than once in the same object; each key may appear once");
                    continue;
                }

                Value(path, property.Name, -1, property.Value, depth + 1);
            }
        }

        private void Add(string path, string problem)
        {
            if (_count >= MaxProblems)
            {
                return;
            }

            _count++;
            problems.Add(Name(path), _count == MaxProblems ? $"{problem} (the first {MaxProblems} problems are listed; there may be more)" : problem);
        }

        private string Name(string path) => path.Length == 0 ? rootField : path;

        private string Path(string parent, string? key, int index) =>
            key is not null ? Child(parent, key)
            : index >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{Name(parent)}[{index}]")
            : parent;

        private static string Child(string path, string key)
        {
            // Plain keys read as a.b; others are quoted so that a '.' or '[' in a key cannot be
            // mistaken for a step of the path.
            var plain = key.Length > 0 && key.All(character => char.IsAsciiLetterOrDigit(character) || character is '_' or '-');
            var step = plain ? key : $"[{JsonSerializer.Serialize(key)}]";
            return path.Length == 0 ? step : plain ? $"{path}.{step}" : path + step;
        }
    }
}
