using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;

namespace Compozy.Data.Knowledge;

/// <summary>The checks every knowledge request passes before any store sees it.</summary>
internal static class KnowledgeRequestRules
{
    public static void CheckName(RequestProblems problems, string field, string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > KnowledgeLimits.MaxNameLength
            || !name.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.'))
        {
            problems.Add(field, $"must be 1 to {KnowledgeLimits.MaxNameLength} letters, digits, '-', '_' or '.'");
        }
    }

    public static void CheckId(RequestProblems problems, string field, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            problems.Add(field, "is required");
        }
        else if (id.Length > KnowledgeLimits.MaxIdLength)
        {
            problems.Add(field, $"is {id.Length} characters long; allowed: at most {KnowledgeLimits.MaxIdLength}");
        }
        else if (id.Any(char.IsControl))
        {
            problems.Add(field, "contains control characters");
        }
        else if (StoredJson.TextProblem(id) is { } problem)
        {
            problems.Add(field, problem);
        }
        else if (id is "." or "..")
        {
            problems.Add(field, "cannot be written in a URL path ('.' and '..' are path steps); use another id");
        }
    }

    public static void CheckEmbedding(RequestProblems problems, string field, ReadOnlySpan<float> embedding, int dimension)
    {
        if (VectorStoreInput.EmbeddingProblem(embedding, dimension) is { } problem)
        {
            problems.Add(field, problem);
        }
    }

    public static void CheckMetadata(RequestProblems problems, string field, JsonElement? metadata)
    {
        if (metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            problems.Add(field, "must be a JSON object");
        }
        else if (metadata is { ValueKind: JsonValueKind.Object } stored)
        {
            StoredJson.Check(problems, field, stored);
        }
    }

    public static void CheckFilter(RequestProblems problems, IReadOnlyDictionary<string, JsonElement> filter)
    {
        foreach (var (key, value) in filter)
        {
            if (string.IsNullOrEmpty(key))
            {
                problems.Add("filter", "keys must not be empty");
            }
            else if (StoredJson.TextProblem(key) is { } keyProblem)
            {
                problems.Add("filter", $"has a key that {keyProblem}");
            }
            else if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add($"filter.{key}", "must be a string, number or boolean to compare metadata with");
            }
            else
            {
                // The value is compared in the database, which refuses what it cannot store.
                StoredJson.Check(problems, $"filter.{key}", value);
            }
        }
    }
}
