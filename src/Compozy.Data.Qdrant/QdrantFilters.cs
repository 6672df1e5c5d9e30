using System.Text.Json;
using Compozy.Data.Knowledge;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>The payload conditions the store sends: a knowledge base, a document, point ids, metadata equality.</summary>
internal static class QdrantFilters
{
    // Integers up to 2^53 are exact as doubles, so a range on them matches exactly what equality would.
    private const long ExactDoubleLimit = 1L << 53;

    public static Condition KnowledgeBase(string name) => Conditions.MatchKeyword(QdrantChunkPayload.KnowledgeBaseKey, name);

    public static Condition Document(string documentId) => Conditions.MatchKeyword(QdrantChunkPayload.DocumentIdKey, documentId);

    /// <param name="pointIds">UUIDs, as <see cref="QdrantPointIds"/> makes them.</param>
    public static Condition HasIds(IEnumerable<string> pointIds) => Conditions.HasId([.. pointIds.Select(Guid.Parse)]);

    /// <summary>Every condition must hold.</summary>
    public static Filter All(IEnumerable<Condition> conditions)
    {
        var filter = new Filter();
        filter.Must.AddRange(conditions);
        return filter;
    }

    /// <summary>
    /// <c>metadata.&lt;key&gt;</c> equals <paramref name="value"/>: strings (<c>keyword</c>) and
    /// booleans through <c>match</c>; numbers through a <c>range</c> with equal bounds so that
    /// <c>1</c> also finds <c>1.0</c> (Qdrant's <c>match</c> only takes integers and compares them
    /// to integers only), except integers beyond 2^53, which only <c>match</c> compares exactly.
    /// </summary>
    /// <exception cref="VectorStoreException">InvalidRequest: a value that is not a scalar, or a key Qdrant cannot address.</exception>
    public static Condition Metadata(string key, JsonElement value)
    {
        var path = $"{QdrantChunkPayload.MetadataKey}.{KeyPath(key)}";
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Conditions.MatchKeyword(path, value.GetString()!);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return Conditions.Match(path, value.GetBoolean());
            case JsonValueKind.Number when value.TryGetInt64(out var integer) && (integer > ExactDoubleLimit || integer < -ExactDoubleLimit):
                return Conditions.Match(path, integer);
            case JsonValueKind.Number:
                var number = value.GetDouble();
                return Conditions.Range(path, new global::Qdrant.Client.Grpc.Range { Gte = number, Lte = number });
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
}
