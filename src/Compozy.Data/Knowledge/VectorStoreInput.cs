using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;

namespace Compozy.Data.Knowledge;

/// <summary>
/// The chunk and query rules every <see cref="IVectorStore"/> enforces before it sends anything to
/// its database, so that the same bad input fails the same way in every store: a
/// <see cref="VectorStoreException"/> of kind <see cref="VectorStoreErrorKind.InvalidRequest"/>
/// whose <see cref="VectorStoreException.Problem"/> names the chunk or parameter and what is allowed.
/// </summary>
/// <remarks>
/// The knowledge store checks requests field by field before any store sees them (and reports
/// every problem at once); these rules are the store's own line of defence for callers that use a
/// store directly, and they share the embedding rule's wording.
/// </remarks>
public static class VectorStoreInput
{
    /// <summary>Throws for the first chunk a store cannot write; nothing has been written then.</summary>
    /// <param name="store">The store's name in messages (<see cref="VectorStoreException.Store"/>).</param>
    /// <param name="knowledgeBase">The knowledge base written to: its dimension is the one allowed.</param>
    /// <param name="chunks">The chunks to write.</param>
    /// <exception cref="VectorStoreException">A chunk is null, lacks an id, a document id or a text, has an embedding of another dimension or with a NaN or infinite value, or metadata that is not a JSON object.</exception>
    public static void CheckChunks(string store, KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunks);
        for (var index = 0; index < chunks.Count; index++)
        {
            var chunk = chunks[index] ?? throw Invalid(store, string.Create(CultureInfo.InvariantCulture, $"chunk {index} is null; nothing was written"));
            var which = string.Create(CultureInfo.InvariantCulture, $"chunk {index} (\"{chunk.Id}\") of knowledge base '{knowledgeBase.Name}'");
            if (string.IsNullOrEmpty(chunk.Id) || string.IsNullOrEmpty(chunk.DocumentId) || chunk.Text is null)
            {
                throw Invalid(store, $"{which} needs an id, a document id and a text; nothing was written");
            }

            if (EmbeddingProblem(chunk.Embedding.Span, knowledgeBase.Dimension) is { } embedding)
            {
                throw Invalid(store, $"{which}: its embedding {embedding}; nothing was written");
            }

            if (chunk.Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } metadata)
            {
                throw Invalid(store, $"{which}: its metadata is {metadata.ValueKind.ToString().ToLowerInvariant()}; it must be a JSON object; nothing was written");
            }
        }
    }

    /// <summary>Throws when a store cannot run <paramref name="query"/>.</summary>
    /// <param name="store">The store's name in messages (<see cref="VectorStoreException.Store"/>).</param>
    /// <param name="entry">The store's configuration entry: its <c>options.max_top_k</c> bounds <see cref="VectorQuery.TopK"/>.</param>
    /// <param name="knowledgeBase">The knowledge base searched: its dimension is the one allowed.</param>
    /// <param name="query">The search.</param>
    /// <exception cref="VectorStoreException">The embedding has another dimension or a NaN or infinite value, or top_k is outside 1 to <c>options.max_top_k</c>.</exception>
    public static void CheckQuery(string store, VectorDatabaseOptions entry, KnowledgeBaseDefinition knowledgeBase, VectorQuery query)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        if (EmbeddingProblem(query.Embedding.Span, knowledgeBase.Dimension) is { } embedding)
        {
            throw Invalid(store, $"the query embedding for knowledge base '{knowledgeBase.Name}' {embedding}");
        }

        if (TopKProblem(query.TopK, entry) is { } topK)
        {
            throw Invalid(store, $"top_k {topK}");
        }
    }

    /// <summary>Why <paramref name="embedding"/> cannot be stored in a knowledge base of <paramref name="dimension"/>, or <see langword="null"/>.</summary>
    public static string? EmbeddingProblem(ReadOnlySpan<float> embedding, int dimension)
    {
        if (embedding.Length != dimension)
        {
            return string.Create(CultureInfo.InvariantCulture, $"has {embedding.Length} values; the knowledge base's dimension is {dimension}");
        }

        for (var index = 0; index < embedding.Length; index++)
        {
            if (!float.IsFinite(embedding[index]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"value {index} (counting from 0) is {Describe(embedding[index])}; every value must be a finite number");
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="topK"/> is refused by the store of <paramref name="entry"/>, or <see langword="null"/>.</summary>
    internal static string? TopKProblem(int topK, VectorDatabaseOptions entry) =>
        topK < 1 || topK > entry.MaxTopK
            ? string.Create(CultureInfo.InvariantCulture, $"is {topK}; allowed: an integer from 1 to {entry.MaxTopK} (options.max_top_k of {entry.DisplayPath})")
            : null;

    private static VectorStoreException Invalid(string store, string problem) => new(VectorStoreErrorKind.InvalidRequest, store, problem);

    private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
