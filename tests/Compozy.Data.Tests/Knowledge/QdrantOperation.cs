using System.Text.Json;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>One operation of the spec: <c>PUT /collections/{collection_name}/points</c> and what it takes and answers.</summary>
public sealed record QdrantOperation(
    QdrantOpenApi Spec,
    string Method,
    string Template,
    JsonElement Definition,
    IReadOnlyDictionary<string, string> PathParameters)
{
    public string OperationId => Definition.GetProperty("operationId").GetString()!;

    /// <summary>The <c>in: query</c> parameters by name, with their schemas.</summary>
    public IReadOnlyDictionary<string, JsonElement> QueryParameters =>
        Parameters("query").ToDictionary(parameter => parameter.GetProperty("name").GetString()!, parameter => parameter.GetProperty("schema"), StringComparer.Ordinal);

    /// <summary>The names of the <c>in: path</c> parameters.</summary>
    public IReadOnlyList<string> PathParameterNames => [.. Parameters("path").Select(parameter => parameter.GetProperty("name").GetString()!)];

    /// <summary>The JSON schema of the request body, or <see langword="null"/> when the operation takes none.</summary>
    public JsonElement? RequestSchema =>
        Definition.TryGetProperty("requestBody", out var body)
            && body.GetProperty("content").TryGetProperty("application/json", out var json)
                ? json.GetProperty("schema")
                : null;

    /// <summary>The schema of the answer with this status (<c>200</c>, <c>4XX</c>, <c>default</c>).</summary>
    public JsonElement ResponseSchema(string status) =>
        Definition.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema");

    /// <summary>The schema of an error answer with this HTTP status: <c>4XX</c> for 4xx, else <c>default</c>.</summary>
    public JsonElement ErrorSchema(int statusCode) =>
        ResponseSchema(statusCode is >= 400 and < 500 && Definition.GetProperty("responses").TryGetProperty("4XX", out _) ? "4XX" : "default");

    public override string ToString() => $"{Method} {Template} ({OperationId})";

    private IEnumerable<JsonElement> Parameters(string location) =>
        Definition.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Select(Spec.Resolve).Where(parameter => parameter.GetProperty("in").GetString() == location)
            : [];
}
