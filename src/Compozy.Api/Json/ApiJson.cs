using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Compozy.Data.Persistence;

namespace Compozy.Api.Json;

/// <summary>The JSON of the API: snake_case names, enums by Compozy's spelling (<c>RUNNING</c>, <c>basic</c>), nulls written.</summary>
public static class ApiJson
{
    /// <summary>
    /// The deepest an answer may nest: any stored value (<see cref="StoredJson.MaxDepth"/>, which
    /// holds the <see cref="Requests.JsonRequest.MaxDepth"/> a body may have and the two levels a
    /// completed workflow's output adds) inside the deepest envelope an answer puts around it
    /// (<c>{"items": [{"output": ...}]}</c>), with room to spare.
    /// </summary>
    public const int MaxDepth = StoredJson.MaxDepth + 8;

    /// <summary>Options for every response body.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the API's conventions to <paramref name="options"/> (for ASP.NET Core's own serializer).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = MaxDepth;

        // The API reads no number from a string (JsonRequest refuses one), and the OpenAPI
        // document derives number schemas from these options: the web default would describe
        // every integer as "an integer or a string of digits".
        options.NumberHandling = JsonNumberHandling.Strict;

        // Bodies go to API clients, not into HTML pages.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
