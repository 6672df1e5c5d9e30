using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// <c>provider: pgvector</c>: chunks live in <c>knowledge_chunks</c> of the PostgreSQL database
/// itself, searched through one partial HNSW index per knowledge base.
/// </summary>
/// <remarks>
/// <para>Writes go through <see cref="IDatabaseWriter"/>: one transaction per call, which also
/// increments <c>knowledge_bases.revision</c>; reads through the read contexts. Index DDL runs
/// outside any transaction (<c>CREATE INDEX CONCURRENTLY</c>), serialised per knowledge base by
/// an advisory lock, so several hosts may ensure the same knowledge base at once.</para>
/// <para>Searches set <c>hnsw.ef_search</c> to max(<c>ef_search</c>, <c>top_k</c>) for their own
/// transaction. A filtered search also sets <c>hnsw.iterative_scan = strict_order</c> (pgvector
/// 0.8 and later): the index keeps scanning past <c>ef_search</c> candidates until enough rows
/// pass the filter (up to pgvector's <c>hnsw.max_scan_tuples</c>), still in exact distance order.
/// With older pgvector a selective filter can return fewer than <c>top_k</c> results.</para>
/// <para>A knowledge base of at most <c>exact_search_max_rows</c> chunks (default 10,000) is
/// searched by an exact scan instead: its results are then exact, at a cost of milliseconds.</para>
/// <para>This type is the façade; each concern is its own part: the extension probe, the index
/// manager, the chunk writer and deleter, the search and its filter translator.</para>
/// </remarks>
internal sealed class PgVectorStore : IVectorStore
{
    /// <summary>The oldest pgvector with HNSW indexes.</summary>
    public static readonly Version MinimumVersion = new(0, 5, 0);

    /// <summary>The first pgvector with <c>hnsw.iterative_scan</c>.</summary>
    public static readonly Version IterativeScanVersion = new(0, 8, 0);

    private readonly RelationalVectorStoreErrors _errors;
    private readonly PgVectorExtensionProbe _probe;
    private readonly PgVectorIndexManager _indexes;
    private readonly PgVectorChunkWriter _chunks;
    private readonly PgVectorChunkDeleter _deletes;
    private readonly PgVectorSearch _search;

    internal PgVectorStore(
        VectorDatabaseOptions options,
        IDbContextFactory<CompozyDbContext> contexts,
        IDatabaseWriter writer,
        IDbErrorClassifier classifier,
        NpgsqlDataSource dataSource,
        TimeProvider clock,
        ILogger<PgVectorStore> logger)
    {
        Options = options;
        Settings = PgVectorIndexSettings.Of(options);
        _errors = PgVectorErrors.For(options, classifier);
        _probe = new PgVectorExtensionProbe(options, contexts, dataSource, _errors, logger);
        _indexes = new PgVectorIndexManager(Settings, contexts, writer, _errors, logger);
        _chunks = new PgVectorChunkWriter(writer, clock, _errors);
        _deletes = new PgVectorChunkDeleter(writer, clock, _errors);
        _search = new PgVectorSearch(options, Settings, contexts, clock, _errors, new PgVectorFilterTranslator(_errors), _probe);
    }

    /// <inheritdoc />
    public VectorDatabaseOptions Options { get; }

    /// <summary>The HNSW settings from the entry's options.</summary>
    public PgVectorIndexSettings Settings { get; }

    /// <summary>The pgvector version in the database, once <see cref="CheckAsync"/> or a search has read it.</summary>
    public Version? ExtensionVersion => _probe.Version;

    /// <summary>
    /// Checks that the database has pgvector, 0.5.0 or later, and that this process can read and
    /// write its <c>vector</c> type (reloading Npgsql's type catalog once if the extension was
    /// created after the data source first connected).
    /// </summary>
    public Task CheckAsync(CancellationToken cancellationToken) =>
        _errors.RunAsync(
            "checking the pgvector extension",
            async token =>
            {
                await _probe.CheckAsync(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// Creates the knowledge base's HNSW index, or checks the one that exists: the same dimension
    /// and metric, and valid. A stale index (another dimension or metric, or an interrupted build)
    /// is rebuilt when the knowledge base holds no chunks, and reported as a mismatch otherwise.
    /// Creating it over existing chunks takes time (and <c>maintenance_work_mem</c>) in proportion
    /// to their number; other knowledge bases' writes are not blocked meanwhile.
    /// </summary>
    public Task EnsureKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken) =>
        _indexes.EnsureAsync(knowledgeBase, cancellationToken);

    /// <summary>
    /// Inserts or replaces <paramref name="chunks"/> in one transaction: their documents are added
    /// if missing, each chunk replaces the one with its id, and the knowledge base's revision is
    /// incremented. Every chunk is checked first (dimension, finite values); one bad chunk fails
    /// the call and writes nothing. A later chunk with the same id as an earlier one wins.
    /// </summary>
    public Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken) =>
        _chunks.UpsertAsync(knowledgeBase, chunks, cancellationToken);

    /// <inheritdoc />
    public Task<int?> DeleteChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken) =>
        _deletes.DeleteChunksAsync(knowledgeBase, chunkIds, cancellationToken);

    /// <summary>Deletes a document and all its chunks. Returns how many chunks it had (0 when it did not exist).</summary>
    public Task<int?> DeleteDocumentAsync(KnowledgeBaseDefinition knowledgeBase, string documentId, CancellationToken cancellationToken) =>
        _deletes.DeleteDocumentAsync(knowledgeBase, documentId, cancellationToken);

    /// <summary>
    /// Drops the knowledge base's index, then deletes its documents and chunks (and increments its
    /// revision, if its row still exists). The <c>knowledge_bases</c> row is the catalog's to delete.
    /// </summary>
    public Task DeleteKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        return _errors.RunAsync(
            $"deleting knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                // The index first: deleting rows it covers would leave vacuum to clean the graph, for nothing.
                await _indexes.DropAsync(knowledgeBase, token).ConfigureAwait(false);
                await _deletes.DeleteKnowledgeBaseRowsAsync(knowledgeBase, token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// The <see cref="VectorQuery.TopK"/> nearest chunks through the HNSW index (approximate),
    /// best first, with the metric's score. <see cref="VectorQuery.Filter"/> keeps chunks whose
    /// metadata has each key with an equal value (<c>metadata @&gt; filter</c>).
    /// </summary>
    public Task<IReadOnlyList<VectorSearchResult>> SearchAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken) =>
        _search.SearchAsync(knowledgeBase, query, exact: false, cancellationToken);

    /// <summary>
    /// The same search by an exact scan of the knowledge base's chunks, without the index: the
    /// ground truth that the index's recall is measured against. Its cost grows with the number of
    /// chunks; searches should use <see cref="SearchAsync"/>.
    /// </summary>
    public Task<IReadOnlyList<VectorSearchResult>> SearchExactAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken) =>
        _search.SearchAsync(knowledgeBase, query, exact: true, cancellationToken);

    /// <summary>
    /// The SQL of a search, as <see cref="SearchAsync"/> sends it (the statements before the
    /// <c>SELECT</c> set the scan's parameters for its transaction), for <c>EXPLAIN</c> and for
    /// callers that want the plan. Parameters: <c>@query</c> (a vector, see
    /// <see cref="PgVectorSql.Parameter"/>) and, with a filter, <c>@filter</c> (jsonb).
    /// </summary>
    public (IReadOnlyList<string> Settings, string Select) SearchSql(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, bool exact = false) =>
        _search.Sql(knowledgeBase, query, exact);
}
