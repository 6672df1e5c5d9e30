using Compozy.Data.Configuration;

namespace Compozy.Data.Knowledge;

/// <summary>
/// Where the chunks of the knowledge bases of one <c>knowledge.vector_dbs</c> entry live, and how
/// they are searched. One implementation per provider (<c>pgvector</c>, <c>embedded</c>,
/// <c>qdrant</c>). Callers validate dimensions, finiteness and limits before calling; an
/// implementation may check again but must not be the only line of defence.
/// </summary>
public interface IVectorStore
{
    /// <summary>The entry this store serves.</summary>
    VectorDatabaseOptions Options { get; }

    /// <summary>
    /// Checks the store at startup: reachable, and able to hold this entry's dimension and metric.
    /// Throws <see cref="VectorStoreException"/> with a message an operator can act on.
    /// </summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates what the knowledge base needs (a collection, an index), or verifies that what
    /// exists matches its dimension and metric. Idempotent.
    /// </summary>
    Task EnsureKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or replaces chunks, all or none: when this throws, none of <paramref name="chunks"/>
    /// is visible to a search. Returns once they are durable and searchable.
    /// </summary>
    Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken);

    /// <summary>Deletes chunks by id; ids that do not exist are ignored. Returns how many existed, when the store knows.</summary>
    Task<int?> DeleteChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken);

    /// <summary>Deletes every chunk of a document. Returns how many there were, when the store knows.</summary>
    Task<int?> DeleteDocumentAsync(KnowledgeBaseDefinition knowledgeBase, string documentId, CancellationToken cancellationToken);

    /// <summary>Deletes everything the knowledge base holds in this store.</summary>
    Task DeleteKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken);

    /// <summary>The chunks closest to the query, best first, at most <see cref="VectorQuery.TopK"/>.</summary>
    Task<IReadOnlyList<VectorSearchResult>> SearchAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken);
}
