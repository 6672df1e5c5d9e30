using System.Text.Json;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Qdrant's published OpenAPI document (v1.19), read with System.Text.Json: operations by method
/// and path, their parameters, request and response schemas, and <c>$ref</c> resolution.
/// </summary>
public sealed class QdrantOpenApi
{
    public const string FileName = "qdrant-openapi-v1.19.json";

    /// <summary>Names an alternative location of the spec, for machines where it is elsewhere.</summary>
    public const string PathVariable = "COMPOZY_QDRANT_OPENAPI";

    private static readonly Lazy<QdrantOpenApi> Shared = new(() => new QdrantOpenApi(Locate()));

    private readonly JsonDocument _document;

    private QdrantOpenApi(string path)
    {
        Path = path;
        _document = JsonDocument.Parse(File.ReadAllBytes(path));
    }

    public static QdrantOpenApi Instance => Shared.Value;

    public string Path { get; }

    public JsonElement Root => _document.RootElement;

    /// <summary>The header of the spec's <c>apiKey</c> security scheme (<c>api-key</c>).</summary>
    public string ApiKeyHeader =>
        Root.GetProperty("components").GetProperty("securitySchemes").EnumerateObject()
            .Select(scheme => scheme.Value)
            .First(scheme => scheme.GetProperty("type").GetString() == "apiKey" && scheme.GetProperty("in").GetString() == "header")
            .GetProperty("name").GetString()!;

    public JsonElement Schema(string name) => Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>Follows <c>$ref</c> (repeatedly) to the schema it names; other schemas are returned as they are.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        var hops = 0;
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var pointer = reference.GetString()!;
            if (!pointer.StartsWith("#/", StringComparison.Ordinal) || ++hops > 32)
            {
                throw new InvalidOperationException($"cannot resolve $ref {pointer}");
            }

            schema = Root;
            foreach (var segment in pointer[2..].Split('/'))
            {
                schema = schema.GetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return schema;
    }

    /// <summary>
    /// The operation whose path template and method match, preferring the template with more
    /// literal segments (<c>/points/delete</c> over <c>/points/{id}</c>); <see langword="null"/> when none does.
    /// </summary>
    public QdrantOperation? FindOperation(HttpMethod method, string path)
    {
        var segments = path.Trim('/').Split('/');
        QdrantOperation? best = null;
        var bestLiterals = -1;
        foreach (var template in Root.GetProperty("paths").EnumerateObject())
        {
            var templateSegments = template.Name.Trim('/').Split('/');
            if (templateSegments.Length != segments.Length
                || !template.Value.TryGetProperty(method.Method.ToLowerInvariant(), out var operation))
            {
                continue;
            }

            var literals = 0;
            var matches = true;
            var pathParameters = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < segments.Length && matches; i++)
            {
                if (templateSegments[i].StartsWith('{') && templateSegments[i].EndsWith('}'))
                {
                    matches = segments[i].Length > 0;
                    pathParameters[templateSegments[i][1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                else
                {
                    matches = string.Equals(templateSegments[i], segments[i], StringComparison.Ordinal);
                    literals++;
                }
            }

            if (matches && literals > bestLiterals)
            {
                best = new QdrantOperation(this, method.Method, template.Name, operation, pathParameters);
                bestLiterals = literals;
            }
        }

        return best;
    }

    /// <summary>Every (method, path template) pair the spec defines.</summary>
    public IEnumerable<(string Method, string Template)> Operations() =>
        Root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => (method.Name.ToUpperInvariant(), path.Name)));

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"{PathVariable} names {configured}, which does not exist");
        }

        // The repository's copy (tests/contracts) is found first, walking up from the test binaries.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[]
            {
                System.IO.Path.Combine(directory.FullName, "shared", "contracts", FileName),
                System.IO.Path.Combine(directory.FullName, "contracts", FileName),
                System.IO.Path.Combine(directory.FullName, "tests", "contracts", FileName),
            })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"{FileName} (Qdrant's OpenAPI spec) was not found above {AppContext.BaseDirectory} in shared/contracts, contracts or tests/contracts; set {PathVariable} to its path");
    }
}
