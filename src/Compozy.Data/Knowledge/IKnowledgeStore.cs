using Compozy.Data.Entities;

namespace Compozy.Data.Knowledge;

/// <summary>
/// Knowledge bases and their chunks, each kept in the vector store of its
/// <c>knowledge.vector_dbs</c> entry. Requests are checked before anything is touched: a bad
/// one raises <see cref="Errors.RequestValidationException"/> naming each bad field
/// (<c>chunks[2].embedding</c>); an unknown knowledge base raises
/// <see cref="Errors.CompozyDataException"/> with <see cref="Errors.DbErrorKind.NotFound"/>; a
/// store failure raises <see cref="VectorStoreException"/>.
/// </summary>
public interface IKnowledgeStore
{
    /// <summary>
    /// Creates a knowledge base, or verifies that the existing one has the same dimension, metric
    /// and vector database (<see cref="Errors.DbErrorKind.Conflict"/> otherwise). Whatever the store
    /// needs (an index, a collection) is created first, so a failure leaves nothing behind.
    /// </summary>
    Task<(KnowledgeBase KnowledgeBase, bool Created)> PutKnowledgeBaseAsync(KnowledgeBaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>The knowledge base with this name.</summary>
    Task<KnowledgeBase> GetKnowledgeBaseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every knowledge base, by name.</summary>
    Task<IReadOnlyList<KnowledgeBase>> ListKnowledgeBasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a knowledge base and everything its store holds for it.</summary>
    Task DeleteKnowledgeBaseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces up to <see cref="KnowledgeLimits.MaxChunksPerWrite"/> chunks, all or
    /// none; returns once they are durable and searchable.
    /// </summary>
    Task<int> UpsertChunksAsync(string knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Deletes chunks by id; unknown ids are ignored. Returns how many existed, when the store knows.</summary>
    Task<int?> DeleteChunksAsync(string knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes every chunk of a document. Returns how many there were, when the store knows.</summary>
    Task<int?> DeleteDocumentAsync(string knowledgeBase, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The chunks nearest to the query, best first.</summary>
    Task<IReadOnlyList<VectorSearchResult>> SearchAsync(string knowledgeBase, VectorQuery query, CancellationToken cancellationToken = default);
}
