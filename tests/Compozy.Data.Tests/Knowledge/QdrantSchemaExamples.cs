using System.Text.Json;
using System.Text.Json.Nodes;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Builds a JSON value from a schema of the spec: every required member, the optional ones down to
/// a depth, the first non-null branch of <c>anyOf</c>/<c>oneOf</c>, the first <c>enum</c> value, the
/// spec's own <c>example</c> where it validates. Tests then set the few values a scenario needs and
/// check the result still validates, so every answer the fake server gives is one the spec allows.
/// </summary>
public sealed class QdrantSchemaExamples(QdrantOpenApi spec)
{
    private const int OptionalDepth = 5;
    private const int MaxDepth = 40;

    private readonly QdrantSchemaValidator _validator = new(spec) { RejectUndeclaredProperties = false };

    public JsonNode? Build(JsonElement schema) => Build(schema, 0);

    private JsonNode? Build(JsonElement schema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("the schema recurses through required members");
        }

        schema = spec.Resolve(schema);
        if (IsNullOnly(schema))
        {
            return null;
        }

        if (schema.TryGetProperty("example", out var example) && _validator.Validate(example, schema).Count == 0)
        {
            return JsonNode.Parse(example.GetRawText());
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return JsonNode.Parse(values[0].GetRawText());
        }

        foreach (var composition in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(composition, out var branches))
            {
                var branch = branches.EnumerateArray().First(candidate => !IsNullOnly(spec.Resolve(candidate)));
                return Build(branch, depth + 1);
            }
        }

        if (schema.TryGetProperty("allOf", out var parts))
        {
            var merged = new JsonObject();
            foreach (var part in parts.EnumerateArray())
            {
                if (Build(part, depth + 1) is JsonObject partObject)
                {
                    foreach (var (name, value) in partObject.ToList())
                    {
                        partObject.Remove(name);
                        merged[name] = value;
                    }
                }
            }

            return merged;
        }

        var type = schema.TryGetProperty("type", out var declared) ? declared.GetString() : "object";
        return type switch
        {
            "object" => BuildObject(schema, depth),
            "array" => BuildArray(schema, depth),
            "string" => BuildString(schema),
            "integer" => JsonValue.Create(schema.TryGetProperty("minimum", out var minimum) ? Math.Max(minimum.GetInt64(), 1) : 1),
            "number" => JsonValue.Create(Number(schema)),
            "boolean" => JsonValue.Create(true),
            _ => throw new InvalidOperationException($"unknown schema type {type}"),
        };
    }

    private JsonObject BuildObject(JsonElement schema, int depth)
    {
        var result = new JsonObject();
        if (!schema.TryGetProperty("properties", out var properties))
        {
            return result;
        }

        var required = schema.TryGetProperty("required", out var names)
            ? names.EnumerateArray().Select(name => name.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            if (required.Contains(property.Name) || depth < OptionalDepth)
            {
                result[property.Name] = Build(property.Value, depth + 1);
            }
        }

        return result;
    }

    private JsonArray BuildArray(JsonElement schema, int depth)
    {
        var result = new JsonArray();
        var minItems = schema.TryGetProperty("minItems", out var min) ? min.GetInt32() : 0;
        if (schema.TryGetProperty("items", out var items) && (depth < OptionalDepth || minItems > 0))
        {
            for (var i = 0; i < Math.Max(1, minItems); i++)
            {
                result.Add(Build(items, depth + 1));
            }
        }

        return result;
    }

    private static JsonValue BuildString(JsonElement schema) =>
        JsonValue.Create((schema.TryGetProperty("format", out var format) ? format.GetString() : null) switch
        {
            "uuid" => "5f0e6c5a-3d7b-4c8e-9a51-2b7f0d4e8c13",
            "date-time" => "2026-01-02T03:04:05Z",
            "uri" => "http://qdrant.test/",
            _ => "text",
        });

    private static double Number(JsonElement schema)
    {
        var value = 0.5;
        if (schema.TryGetProperty("minimum", out var minimum))
        {
            value = Math.Max(value, minimum.GetDouble());
        }

        if (schema.TryGetProperty("maximum", out var maximum))
        {
            value = Math.Min(value, maximum.GetDouble());
        }

        return value;
    }

    private static bool IsNullOnly(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True
        && !schema.EnumerateObject().Any(property => property.Name is not ("description" or "default" or "deprecated" or "example" or "nullable"));
}
