using System.Globalization;
using System.Text;
using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Microsoft.AspNetCore.Http;

namespace Compozy.Api.Requests;

/// <summary>
/// Reads a JSON request body field by field, recording every problem under the field's name
/// instead of stopping at the first, so that a 400 names all of them. Unknown fields are
/// problems too: a misspelt field must not be silently ignored.
/// </summary>
/// <remarks>
/// <para>Hand-written because System.Text.Json's binder stops at the first error and reports JSON
/// paths rather than API field names.</para>
/// <para>Before any field is read, the whole body passes <see cref="StoredJson"/>: every string
/// and key well-formed Unicode without <c>\u0000</c>, no key twice in an object, every number
/// storable, and at most <see cref="MaxDepth"/> levels of nesting. So whatever an endpoint accepts,
/// both databases store faithfully and the API can answer again.</para>
/// </remarks>
public sealed class JsonRequest
{
    /// <summary>
    /// The deepest a body may nest, the body object itself being level 1 (so a field's value nests
    /// at most one level less). Answers wrap values in a few levels more; the response serializer
    /// allows for them (<see cref="Json.ApiJson.MaxDepth"/>).
    /// </summary>
    public const int MaxDepth = 64;

    private readonly JsonElement _root;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private JsonRequest(JsonElement root, RequestProblems problems)
    {
        _root = root;
        Problems = problems;
    }

    /// <summary>The problems found so far.</summary>
    public RequestProblems Problems { get; }

    /// <summary>Parses the body, which must be one JSON object that can be stored as sent.</summary>
    /// <exception cref="RequestValidationException">
    /// The body is empty, not JSON, not an object, nests deeper than <see cref="MaxDepth"/>, or
    /// holds a string, key or number that cannot be stored (see <see cref="StoredJson"/>).
    /// </exception>
    public static async Task<JsonRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var body = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (body.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
        }

        CheckSyntaxAndDepth(body.Span);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException exception)
        {
            throw NotJson(exception);
        }

        using var parsed = document;
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("body", $"must be a JSON object, not {Describe(document.RootElement.ValueKind)}");
        }

        var problems = new RequestProblems();
        StoredJson.CheckBody(problems, document.RootElement);
        problems.ThrowIfAny();
        return new JsonRequest(document.RootElement.Clone(), new RequestProblems());
    }

    /// <summary>
    /// Reads the body token by token before it is parsed, so that a body nesting too deep is
    /// answered with the limit and the field, which the parser's own error does not say.
    /// </summary>
    private static void CheckSyntaxAndDepth(ReadOnlySpan<byte> body)
    {
        // The reader's own limit is never reached: the walk stops one level past ours.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var field = "body";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    field = TopLevelName(ref reader);
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > MaxDepth)
                {
                    throw new RequestValidationException(
                        field,
                        string.Create(CultureInfo.InvariantCulture, $"nests more than {MaxDepth} levels deep, counting the body as level 1; allowed: at most {MaxDepth} levels"));
                }
            }
        }
        catch (JsonException exception)
        {
            throw NotJson(exception);
        }
    }

    private static string TopLevelName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A key that is not text; the full check names it once the body is parsed.
            return "body";
        }
    }

    private static RequestValidationException NotJson(JsonException exception)
    {
        var where = exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1}")
            : string.Empty;
        return new RequestValidationException("body", $"is not valid JSON{where}");
    }

    /// <summary>A string field; <see langword="null"/> when absent or JSON null.</summary>
    public string? Text(string name, bool required = false, int maxLength = int.MaxValue)
    {
        if (Field(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Problems.Add(name, $"must be a string, not {Describe(value.ValueKind)}");
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            Problems.Add(name, $"is {text.Length} characters long; allowed: at most {maxLength}");
        }

        return text;
    }

    /// <summary>An id field (see <see cref="RequestIds"/>).</summary>
    public string? Id(string name, bool required = false)
    {
        var value = Text(name, required);
        if (value is not null)
        {
            RequestIds.Check(Problems, name, value);
        }

        return value;
    }

    /// <summary>An enum field spelt as Compozy spells it (<c>RUNNING</c>, <c>basic</c>).</summary>
    public TEnum? Enum<TEnum>(string name, bool required = false)
        where TEnum : struct, Enum
    {
        var value = Text(name, required);
        if (value is null)
        {
            return null;
        }

        if (StoredNames.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        Problems.Add(name, $"\"{value}\" is not allowed; allowed: {string.Join(", ", StoredNames.All<TEnum>())}");
        return null;
    }

    /// <summary>
    /// An integer field from <paramref name="min"/> to <paramref name="max"/>. Every problem says
    /// the range: <paramref name="allowed"/> when the caller knows a narrower one than the type's
    /// (checked later, for example against the configuration), else the two bounds.
    /// </summary>
    public int? WholeNumber(string name, bool required = false, int min = int.MinValue, int max = int.MaxValue, string? allowed = null) =>
        Field(name, required) is { } value ? (int?)ReadInteger(Problems, name, value, min, max, allowed) : null;

    /// <summary>A 64-bit integer field (token counts), from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public long? LongNumber(string name, bool required = false, long min = long.MinValue, long max = long.MaxValue) =>
        Field(name, required) is { } value ? ReadInteger(Problems, name, value, min, max, allowed: null) : null;

    /// <summary>
    /// Reads <paramref name="value"/> as a 64-bit integer from <paramref name="min"/> to
    /// <paramref name="max"/>, recording under <paramref name="name"/> why it is not one: another
    /// JSON type, a fraction or exponent, or a whole number out of the range (even past 64 bits).
    /// </summary>
    public static long? ReadLong(RequestProblems problems, string name, JsonElement value, long min = long.MinValue, long max = long.MaxValue) =>
        ReadInteger(problems, name, value, min, max, allowed: null);

    private static long? ReadInteger(RequestProblems problems, string name, JsonElement value, long min, long max, string? allowed)
    {
        ArgumentNullException.ThrowIfNull(problems);
        allowed ??= string.Create(CultureInfo.InvariantCulture, $"an integer from {min} to {max}");
        if (value.ValueKind != JsonValueKind.Number)
        {
            problems.Add(name, $"must be an integer, not {Describe(value.ValueKind)}; allowed: {allowed}");
            return null;
        }

        if (value.TryGetInt64(out var number) && number >= min && number <= max)
        {
            return number;
        }

        // An integer is written as one: 1e3 or 2.0 is refused like 2.5, as the databases' JSON
        // readers and the usage deserializer would. The raw text shows a number past 64 bits as sent.
        var text = value.GetRawText();
        var shown = text.Length <= 40 ? text : $"{text[..20]}... ({text.Length} characters)";
        var integral = text.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        problems.Add(name, $"is {shown}{(integral ? string.Empty : ", not an integer")}; allowed: {allowed}");
        return null;
    }

    /// <summary>Any JSON value, kept as is; <see langword="null"/> when absent or JSON null.</summary>
    public JsonElement? Json(string name) => Field(name, required: false);

    /// <summary>A JSON object field.</summary>
    public JsonElement? Mapping(string name, bool required = false)
    {
        var value = Field(name, required);
        if (value is { ValueKind: not JsonValueKind.Object })
        {
            Problems.Add(name, $"must be a JSON object, not {Describe(value.Value.ValueKind)}");
            return null;
        }

        return value;
    }

    /// <summary>A JSON array field.</summary>
    public JsonElement? Array(string name, bool required = false)
    {
        var value = Field(name, required);
        if (value is { ValueKind: not JsonValueKind.Array })
        {
            Problems.Add(name, $"must be a JSON array, not {Describe(value.Value.ValueKind)}");
            return null;
        }

        return value;
    }

    /// <summary>An array of numbers read as float32; each must be finite.</summary>
    public float[]? Floats(string name, bool required = false) => ReadFloats(Problems, name, Field(name, required));

    /// <summary>Reads an array of finite numbers, recording problems under <paramref name="name"/>.</summary>
    public static float[]? ReadFloats(RequestProblems problems, string name, JsonElement? element)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (element is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(name, $"must be an array of numbers, not {Describe(value.ValueKind)}");
            return null;
        }

        var floats = new float[value.GetArrayLength()];
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var number))
            {
                problems.Add(name, $"value {index} is {Describe(item.ValueKind)}; every value must be a number (JSON has no NaN or Infinity)");
                return null;
            }

            var single = (float)number;
            if (!float.IsFinite(single))
            {
                problems.Add(name, string.Create(CultureInfo.InvariantCulture, $"value {index} ({number}) does not fit a float32"));
                return null;
            }

            floats[index++] = single;
        }

        return floats;
    }

    /// <summary>Records every field of the body that was not read as unknown, then throws if anything was wrong.</summary>
    /// <exception cref="RequestValidationException">A problem was recorded.</exception>
    public void Complete()
    {
        var unknown = _root.EnumerateObject().Select(property => property.Name).Where(name => !_read.Contains(name)).ToList();
        foreach (var name in unknown)
        {
            Problems.Add(name, $"is not a field of this request; allowed: {string.Join(", ", _read.Order(StringComparer.Ordinal))}");
        }

        Problems.ThrowIfAny();
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private JsonElement? Field(string name, bool required)
    {
        _read.Add(name);
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problems.Add(name, "is required");
            }

            return null;
        }

        return value;
    }
}
