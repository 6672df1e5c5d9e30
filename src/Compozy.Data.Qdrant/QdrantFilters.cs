using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant.Rest;

namespace Compozy.Data.Qdrant;

/// <summary>The payload conditions the store sends: a knowledge base, a document, point ids, metadata equality.</summary>
internal static class QdrantFilters
{
    // Integers up to 2^53 are exact as doubles, so a range on them matches exactly what equality would.
    private const long ExactDoubleLimit = 1L << 53;

    public static ConditionBody KnowledgeBase(string name) => Keyword(ChunkPayload.KnowledgeBaseKey, name);

    public static ConditionBody Document(string documentId) => Keyword(ChunkPayload.DocumentIdKey, documentId);

    public static ConditionBody HasIds(IReadOnlyList<string> pointIds) => new() { HasId = pointIds };

    /// <summary>
    /// <c>metadata.&lt;key&gt;</c> equals <paramref name="value"/>: strings and booleans through
    /// <c>match</c>; numbers through a <c>range</c> with equal bounds so that <c>1</c> also finds
    /// <c>1.0</c> (Qdrant's <c>match</c> only takes integers and compares them to integers only),
    /// except integers beyond 2^53, which only <c>match</c> compares exactly.
    /// </summary>
    /// <exception cref="VectorStoreException">InvalidRequest: a value that is not a scalar, or a key Qdrant cannot address.</exception>
    public static ConditionBody Metadata(string key, JsonElement value)
    {
        var path = $"{ChunkPayload.MetadataKey}.{KeyPath(key)}";
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new ConditionBody { Key = path, Match = new MatchValueBody { Value = value.Clone() } };
            case JsonValueKind.Number when value.TryGetInt64(out var integer) && (integer > ExactDoubleLimit || integer < -ExactDoubleLimit):
                return new ConditionBody { Key = path, Match = new MatchValueBody { Value = value.Clone() } };
            case JsonValueKind.Number:
                var number = value.GetDouble();
                return new ConditionBody { Key = path, Range = new RangeBody { Gte = number, Lte = number } };
            default:
                throw new VectorStoreException(
                    VectorStoreErrorKind.InvalidRequest,
                    $"the filter on metadata key \"{key}\" is {value.ValueKind.ToString().ToLowerInvariant()}; a filter value must be a string, a number or a boolean");
        }
    }

    /// <summary>
    /// The key as one segment of a Qdrant payload path: as is when it is letters, digits,
    /// <c>_</c> and <c>-</c> only, else in double quotes (so <c>a.b</c> is the key <c>a.b</c>,
    /// not <c>b</c> inside <c>a</c>). Qdrant's path syntax has no escape for <c>"</c> or <c>\</c>.
    /// </summary>
    public static string KeyPath(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return key;
        }

        if (key.Contains('"', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal))
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                $"the metadata key \"{key}\" contains \" or \\, which the qdrant provider cannot filter on");
        }

        return $"\"{key}\"";
    }

    private static ConditionBody Keyword(string key, string value) =>
        new() { Key = key, Match = new MatchValueBody { Value = JsonSerializer.SerializeToElement(value, QdrantJsonContext.Default.String) } };
}
