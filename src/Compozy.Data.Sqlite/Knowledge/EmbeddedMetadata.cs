using System.Text.Json;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// A chunk's metadata reduced to what filters need: its top-level keys and their scalar values,
/// parsed once when the chunk enters the matrix rather than on every search.
/// </summary>
internal static class EmbeddedMetadata
{
    /// <summary>No metadata (or metadata without keys).</summary>
    public static EmbeddedField[] None { get; } = [];

    /// <summary>The fields of a JSON object; a key written twice keeps its last value, as PostgreSQL's jsonb does.</summary>
    public static EmbeddedField[] Parse(JsonElement? metadata, Func<string, string>? intern = null)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } element)
        {
            return None;
        }

        var fields = new List<EmbeddedField>();
        foreach (var property in element.EnumerateObject())
        {
            fields.Add(new EmbeddedField(intern is null ? property.Name : intern(property.Name), EmbeddedScalar.From(property.Value, intern)));
        }

        if (fields.Count <= 1)
        {
            return fields.Count == 0 ? None : [.. fields];
        }

        // Walking backwards keeps the last occurrence of a repeated key.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<EmbeddedField>(fields.Count);
        for (var index = fields.Count - 1; index >= 0; index--)
        {
            if (seen.Add(fields[index].Key))
            {
                kept.Add(fields[index]);
            }
        }

        return [.. kept];
    }

    /// <summary>The fields of metadata stored as JSON text (<see langword="null"/>: none).</summary>
    public static EmbeddedField[] Parse(string? json, Func<string, string>? intern = null)
    {
        if (string.IsNullOrEmpty(json))
        {
            return None;
        }

        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement, intern);
    }

    /// <summary>The value of <paramref name="key"/>, or <see langword="false"/> when the metadata lacks it.</summary>
    public static bool TryGet(EmbeddedField[] fields, string key, out EmbeddedScalar value)
    {
        foreach (var field in fields)
        {
            if (ReferenceEquals(field.Key, key) || string.Equals(field.Key, key, StringComparison.Ordinal))
            {
                value = field.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
