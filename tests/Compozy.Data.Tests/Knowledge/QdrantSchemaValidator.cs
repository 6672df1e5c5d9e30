using System.Globalization;
using System.Text.Json;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Validates JSON against the OpenAPI 3.0 schemas of Qdrant's spec: <c>$ref</c>, <c>type</c>,
/// <c>nullable</c>, <c>format</c> (unsigned and sized integers, float, uuid, date-time),
/// <c>enum</c>, <c>minimum</c>/<c>maximum</c>, <c>minLength</c>, <c>minItems</c>,
/// <c>uniqueItems</c>, <c>required</c>, <c>properties</c>, <c>additionalProperties</c>,
/// <c>items</c>, <c>anyOf</c>, <c>oneOf</c> (exactly one) and <c>allOf</c>: every keyword the
/// spec's schemas use.
/// </summary>
/// <remarks>
/// Two readings are deliberately strict. A schema that says only <c>nullable: true</c> (the
/// second branch of Qdrant's <c>anyOf: [X, {nullable: true}]</c>) accepts null and nothing else;
/// reading it as "anything" would make every optional field unchecked. And, when
/// <see cref="RejectUndeclaredProperties"/> is on, an object schema that lists its
/// <c>properties</c> rejects any other member even without <c>additionalProperties: false</c>,
/// so that a misspelt field (<c>with_payloads</c>) cannot pass; <c>additionalProperties: true</c>
/// or a schema there still allows extra members (payloads, maps).
/// </remarks>
public sealed class QdrantSchemaValidator(QdrantOpenApi spec)
{
    private static readonly HashSet<string> Annotations = ["description", "default", "deprecated", "example", "title", "nullable"];

    public bool RejectUndeclaredProperties { get; init; } = true;

    /// <summary>Every violation, as <c>$.path: what is wrong</c>; empty when <paramref name="value"/> is valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement value, JsonElement schema)
    {
        var errors = new List<string>();
        Check(value, schema, "$", errors);
        return errors;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        schema = spec.Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }

        var nullable = schema.TryGetProperty("nullable", out var nullableFlag) && nullableFlag.ValueKind == JsonValueKind.True;
        var constraints = schema.EnumerateObject().Where(property => !Annotations.Contains(property.Name)).Select(property => property.Name).ToList();
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (nullable || constraints.Count == 0)
            {
                return;
            }

            if (schema.TryGetProperty("type", out _))
            {
                errors.Add($"{path}: null is not allowed (the schema is not nullable)");
                return;
            }
        }
        else if (nullable && constraints.Count == 0)
        {
            errors.Add($"{path}: only null is allowed here, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !CheckType(value, type.GetString()!, path, errors))
        {
            return;
        }

        if (schema.TryGetProperty("format", out var format))
        {
            CheckFormat(value, format.GetString()!, path, errors);
        }

        if (schema.TryGetProperty("enum", out var allowed)
            && !allowed.EnumerateArray().Any(candidate => JsonElement.DeepEquals(candidate, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }

        CheckBounds(value, schema, path, errors);
        CheckComposition(value, schema, path, errors);
        if (value.ValueKind == JsonValueKind.Object)
        {
            CheckObject(value, schema, path, errors);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            CheckArray(value, schema, path, errors);
        }
    }

    private static bool CheckType(JsonElement value, string type, string path, List<string> errors)
    {
        var ok = type switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
            _ => throw new InvalidOperationException($"unknown schema type {type}"),
        };
        if (!ok)
        {
            errors.Add($"{path}: expected {type}, got {Describe(value)}");
        }

        return ok;
    }

    private static void CheckFormat(JsonElement value, string format, string path, List<string> errors)
    {
        switch (format)
        {
            case "uint" or "uint64" when value.ValueKind == JsonValueKind.Number && !value.TryGetUInt64(out _):
            case "uint32" when value.ValueKind == JsonValueKind.Number && !value.TryGetUInt32(out _):
            case "uint8" when value.ValueKind == JsonValueKind.Number && !value.TryGetByte(out _):
            case "int64" when value.ValueKind == JsonValueKind.Number && !value.TryGetInt64(out _):
                errors.Add($"{path}: {value.GetRawText()} is not a valid {format}");
                break;
            case "float" when value.ValueKind == JsonValueKind.Number && !float.IsFinite((float)value.GetDouble()):
                errors.Add($"{path}: {value.GetRawText()} does not fit a float");
                break;
            case "uuid" when value.ValueKind == JsonValueKind.String && !Guid.TryParseExact(value.GetString(), "D", out _):
                errors.Add($"{path}: \"{value.GetString()}\" is not a hyphenated UUID");
                break;
            case "date-time" when value.ValueKind == JsonValueKind.String
                && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _):
                errors.Add($"{path}: \"{value.GetString()}\" is not a date-time");
                break;
        }
    }

    private static void CheckBounds(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            var number = value.GetDouble();
            if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
            {
                errors.Add($"{path}: {value.GetRawText()} is below the minimum {minimum.GetRawText()}");
            }

            if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
            {
                errors.Add($"{path}: {value.GetRawText()} is above the maximum {maximum.GetRawText()}");
            }
        }

        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("minLength", out var minLength) && value.GetString()!.Length < minLength.GetInt32())
        {
            errors.Add($"{path}: shorter than {minLength.GetInt32()} characters");
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                errors.Add($"{path}: fewer than {minItems.GetInt32()} items");
            }

            if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
            {
                var items = value.EnumerateArray().ToList();
                if (items.Where((item, index) => items.Skip(index + 1).Any(other => JsonElement.DeepEquals(item, other))).Any())
                {
                    errors.Add($"{path}: items are not unique");
                }
            }
        }
    }

    private void CheckComposition(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(value, part, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var failures = Branches(value, anyOf, path);
            if (failures.All(branch => branch.Count > 0))
            {
                errors.Add($"{path}: matches none of anyOf [{Summarize(failures)}]");
            }
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var failures = Branches(value, oneOf, path);
            var valid = failures.Count(branch => branch.Count == 0);
            if (valid != 1)
            {
                errors.Add(valid == 0
                    ? $"{path}: matches none of oneOf [{Summarize(failures)}]"
                    : $"{path}: matches {valid} branches of oneOf, exactly one is allowed");
            }
        }
    }

    private List<List<string>> Branches(JsonElement value, JsonElement branches, string path) =>
        [.. branches.EnumerateArray().Select(branch =>
        {
            var branchErrors = new List<string>();
            Check(value, branch, path, branchErrors);
            return branchErrors;
        })];

    private void CheckObject(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        var declared = schema.TryGetProperty("properties", out var properties);
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(item => item.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}: required property \"{name}\" is missing");
                }
            }
        }

        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var member in value.EnumerateObject())
        {
            var memberPath = $"{path}.{member.Name}";
            if (declared && properties.TryGetProperty(member.Name, out var propertySchema))
            {
                Check(member.Value, propertySchema, memberPath, errors);
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{memberPath}: not allowed (additionalProperties is false)");
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.Object)
            {
                Check(member.Value, additional, memberPath, errors);
            }
            else if (!hasAdditional && declared && RejectUndeclaredProperties)
            {
                errors.Add($"{memberPath}: not a property of this schema (declared: {string.Join(", ", properties.EnumerateObject().Select(property => property.Name))})");
            }
        }
    }

    private void CheckArray(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, $"{path}[{index++}]", errors);
            }
        }
    }

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || value.TryGetUInt64(out _) || (value.TryGetDecimal(out var number) && decimal.Truncate(number) == number);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => $"number {value.GetRawText()}",
        JsonValueKind.String => $"string \"{value.GetString()}\"",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Summarize(List<List<string>> failures) =>
        string.Join(" | ", failures.Select(branch => branch.Count == 0 ? "ok" : branch[0]));
}
