using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

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
/// </remarks>
public sealed partial class PgVectorStore : IVectorStore
{
    /// <summary>The oldest pgvector with HNSW indexes.</summary>
    public static readonly Version MinimumVersion = new(0, 5, 0);

    /// <summary>The first pgvector with <c>hnsw.iterative_scan</c>.</summary>
    public static readonly Version IterativeScanVersion = new(0, 8, 0);

    /// <summary>Rows per INSERT statement of an upsert: far below PostgreSQL's 65,535 parameters, and a few MB per statement at 768 dimensions.</summary>
    private const int RowsPerStatement = 1000;

    private readonly IDbContextFactory<CompozyDbContext> _contexts;
    private readonly IDatabaseWriter _writer;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger<PgVectorStore> _logger;
    private readonly PgVectorErrors _errors;
    private const int LargeRecheckSeconds = 60;

    // Knowledge bases last found above exact_search_max_rows, until when (TimeProvider timestamps).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _largeUntil = new(StringComparer.Ordinal);
    private Version? _version;

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
        _contexts = contexts;
        _writer = writer;
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        _errors = new PgVectorErrors(options, classifier);
    }

    /// <inheritdoc />
    public VectorDatabaseOptions Options { get; }

    /// <summary>The HNSW settings from the entry's options.</summary>
    public PgVectorIndexSettings Settings { get; }

    /// <summary>The pgvector version in the database, once <see cref="CheckAsync"/> or a search has read it.</summary>
    public Version? ExtensionVersion => Volatile.Read(ref _version);

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
                var version = await ReadVersionAsync(token).ConfigureAwait(false);
                if (version < MinimumVersion)
                {
                    throw _errors.Create(
                        VectorStoreErrorKind.Mismatch,
                        $"the database has pgvector {version}, which has no HNSW index; install pgvector {MinimumVersion} or later on the server, then run ALTER EXTENSION vector UPDATE");
                }

                if (!await CanReadVectorsAsync(token).ConfigureAwait(false))
                {
                    // The data source loaded its type catalog before CREATE EXTENSION vector ran.
                    await _dataSource.ReloadTypesAsync(token).ConfigureAwait(false);
                    if (!await CanReadVectorsAsync(token).ConfigureAwait(false))
                    {
                        throw _errors.Create(VectorStoreErrorKind.Unknown, $"pgvector {version} is installed, but its vector type cannot be read; was the data source built without UseVector()?");
                    }
                }

                LogChecked(Options.Id, version);
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
    public Task EnsureKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        if (knowledgeBase.Dimension is < 1 or > PgVectorSql.MaxIndexedDimension)
        {
            throw _errors.InvalidRequest(string.Create(
                CultureInfo.InvariantCulture,
                $"knowledge base '{knowledgeBase.Name}' has dimension {knowledgeBase.Dimension}; pgvector's HNSW index takes 1 to {PgVectorSql.MaxIndexedDimension} dimensions. Use an embedding model with at most {PgVectorSql.MaxIndexedDimension} dimensions, or another vector database"));
        }

        var index = new PgVectorIndexDefinition(knowledgeBase, Settings);
        return _errors.RunAsync(
            $"ensuring the index of knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                // The common case (it exists and matches) needs no lock and no DDL.
                var state = await ReadIndexStateAsync(index, token).ConfigureAwait(false);
                if (state is not null && index.Matches(state))
                {
                    return true;
                }

                await WithIndexLockAsync(index, (connection, inner) => EnsureLockedAsync(connection, index, inner), token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Inserts or replaces <paramref name="chunks"/> in one transaction: their documents are added
    /// if missing, each chunk replaces the one with its id, and the knowledge base's revision is
    /// incremented. Every chunk is checked first (dimension, finite values); one bad chunk fails
    /// the call and writes nothing. A later chunk with the same id as an earlier one wins.
    /// </summary>
    public Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunks);
        var rows = CheckChunks(knowledgeBase, chunks);
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = _clock.GetUtcNow().UtcDateTime;
        return _errors.RunAsync(
            $"writing {rows.Count} chunks to knowledge base '{knowledgeBase.Name}'",
            token => _writer.WriteAsync(
                async (context, inner) =>
                {
                    var (connection, transaction) = Connection(context);
                    await LockAndBumpRevisionAsync(connection, transaction, knowledgeBase, now, inner).ConfigureAwait(false);
                    await using var batch = new NpgsqlBatch(connection, transaction);
                    batch.BatchCommands.Add(UpsertDocumentsCommand(knowledgeBase, rows, now));
                    for (var start = 0; start < rows.Count; start += RowsPerStatement)
                    {
                        batch.BatchCommands.Add(UpsertChunksCommand(knowledgeBase, rows, start, Math.Min(RowsPerStatement, rows.Count - start), now));
                    }

                    await batch.ExecuteNonQueryAsync(inner).ConfigureAwait(false);
                    return true;
                },
                token),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int?> DeleteChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunkIds);
        if (chunkIds.Count == 0)
        {
            return 0;
        }

        return await DeleteAsync(
            knowledgeBase,
            $"deleting {chunkIds.Count} chunks of knowledge base '{knowledgeBase.Name}'",
            "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb AND id = ANY(@ids) RETURNING 1",
            command => command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = chunkIds.ToArray() }),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a document and all its chunks. Returns how many chunks it had (0 when it did not exist).</summary>
    public async Task<int?> DeleteDocumentAsync(KnowledgeBaseDefinition knowledgeBase, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(documentId);
        return await DeleteAsync(
            knowledgeBase,
            $"deleting document '{documentId}' of knowledge base '{knowledgeBase.Name}'",
            "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb AND document_id = @document RETURNING 1",
            command => command.Parameters.Add(new NpgsqlParameter<string>("document", documentId)),
            cancellationToken,
            "DELETE FROM knowledge_documents WHERE knowledge_base_name = @kb AND id = @document",
            command => command.Parameters.Add(new NpgsqlParameter<string>("document", documentId))).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops the knowledge base's index, then deletes its documents and chunks (and increments its
    /// revision, if its row still exists). The <c>knowledge_bases</c> row is the catalog's to delete.
    /// </summary>
    public Task DeleteKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        var index = new PgVectorIndexDefinition(knowledgeBase, Settings);
        return _errors.RunAsync(
            $"deleting knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                // The index first: deleting rows it covers would leave vacuum to clean the graph, for nothing.
                await WithIndexLockAsync(index, (connection, inner) => DropIndexAsync(connection, index, inner), token).ConfigureAwait(false);
                await DeleteAsync(
                    knowledgeBase,
                    $"deleting knowledge base '{knowledgeBase.Name}'",
                    "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb RETURNING 1",
                    _ => { },
                    token,
                    "DELETE FROM knowledge_documents WHERE knowledge_base_name = @kb",
                    _ => { }).ConfigureAwait(false);
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
        SearchCoreAsync(knowledgeBase, query, exact: false, cancellationToken);

    /// <summary>
    /// The same search by an exact scan of the knowledge base's chunks, without the index: the
    /// ground truth that the index's recall is measured against. Its cost grows with the number of
    /// chunks; searches should use <see cref="SearchAsync"/>.
    /// </summary>
    public Task<IReadOnlyList<VectorSearchResult>> SearchExactAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken) =>
        SearchCoreAsync(knowledgeBase, query, exact: true, cancellationToken);

    /// <summary>
    /// The SQL of a search, as <see cref="SearchAsync"/> sends it (the statements before the
    /// <c>SELECT</c> set the scan's parameters for its transaction), for <c>EXPLAIN</c> and for
    /// callers that want the plan. Parameters: <c>@query</c> (a vector, see
    /// <see cref="PgVectorSql.Parameter"/>) and, with a filter, <c>@filter</c> (jsonb).
    /// </summary>
    public (IReadOnlyList<string> Settings, string Select) SearchSql(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, bool exact = false)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        var settings = new List<string>();
        var topK = query.TopK;
        var version = ExtensionVersion;
        var iterative = version is not null && version >= IterativeScanVersion;
        if (!exact)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Settings.EfSearchFor(topK)}"));

            // Past ef_search candidates, or past the rows a filter drops, only an iterative scan
            // finds more; without one, too large a top_k falls back to the exact scan.
            if (iterative && (query.Filter.Count > 0 || topK > PgVectorIndexSettings.MaxEfSearch))
            {
                settings.Add("SET LOCAL hnsw.iterative_scan = strict_order");
            }
            else if (topK > PgVectorIndexSettings.MaxEfSearch)
            {
                exact = true;
                settings.Clear();
            }
        }

        var distance = exact ? PgVectorSql.ExactDistance(knowledgeBase.Metric, "@query") : PgVectorSql.Distance(knowledgeBase, "@query");
        var select = new StringBuilder()
            .Append("SELECT id, document_id, text, metadata, ").Append(distance).Append(" AS distance FROM ").Append(PgVectorSql.ChunksTable)
            .Append(" WHERE ").Append(PgVectorSql.KnowledgeBasePredicate(knowledgeBase.Name))
            .Append(query.Filter.Count > 0 ? " AND metadata @> @filter" : string.Empty)
            .Append(" ORDER BY ").Append(distance)

            // Equal distances in id order, as the embedded store breaks ties; the index scan has no such order.
            .Append(exact ? ", id" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $" LIMIT {topK}")
            .ToString();
        return (settings, select);
    }

    private async Task<IReadOnlyList<VectorSearchResult>> SearchCoreAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, bool exact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        if (PgVectorValues.FindProblem(query.Embedding.Span, knowledgeBase.Dimension) is { } problem)
        {
            throw _errors.InvalidRequest($"the query embedding for knowledge base '{knowledgeBase.Name}' {problem}");
        }

        if (query.TopK < 1)
        {
            throw _errors.InvalidRequest(string.Create(CultureInfo.InvariantCulture, $"top_k is {query.TopK}; it must be at least 1"));
        }

        var filter = query.Filter.Count > 0 ? FilterJson(query.Filter) : null;
        return await _errors.RunAsync<IReadOnlyList<VectorSearchResult>>(
            $"searching knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                if (!exact && ExtensionVersion is null)
                {
                    await ReadVersionAsync(token).ConfigureAwait(false);
                }

                var context = await _contexts.CreateDbContextAsync(token).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                        async inner =>
                        {
                            // SET LOCAL needs a transaction; it ends with it, so the pooled connection keeps no setting.
                            var transaction = await context.Database.BeginTransactionAsync(inner).ConfigureAwait(false);
                            await using (transaction.ConfigureAwait(false))
                            {
                                var (connection, npgsqlTransaction) = Connection(context);
                                var small = !exact && await IsSmallAsync(connection, npgsqlTransaction, knowledgeBase, inner).ConfigureAwait(false);
                                var (settings, select) = SearchSql(knowledgeBase, query, exact || small);
                                await using var batch = new NpgsqlBatch(connection, npgsqlTransaction);
                                foreach (var setting in settings)
                                {
                                    batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
                                }

                                var search = new NpgsqlBatchCommand(select);
                                search.Parameters.Add(PgVectorSql.Parameter("query", query.Embedding.Span));
                                if (filter is not null)
                                {
                                    search.Parameters.Add(new NpgsqlParameter("filter", NpgsqlDbType.Jsonb) { Value = filter });
                                }

                                batch.BatchCommands.Add(search);
                                var results = new List<VectorSearchResult>(query.TopK);
                                var reader = await batch.ExecuteReaderAsync(inner).ConfigureAwait(false);
                                await using (reader.ConfigureAwait(false))
                                {
                                    while (await reader.ReadAsync(inner).ConfigureAwait(false))
                                    {
                                        results.Add(new VectorSearchResult(
                                            reader.GetString(0),
                                            PgVectorSql.ToScore(knowledgeBase.Metric, reader.GetDouble(4)),
                                            reader.GetString(2),
                                            reader.IsDBNull(3) ? null : ParseJson(reader.GetString(3)),
                                            reader.GetString(1)));
                                    }
                                }

                                await transaction.CommitAsync(inner).ConfigureAwait(false);
                                return (IReadOnlyList<VectorSearchResult>)results;
                            }
                        },
                        token).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the knowledge base has at most <see cref="PgVectorIndexSettings.ExactSearchMaxRows"/>
    /// chunks, so that an exact scan is cheap. Counting stops one past the bound, so it costs at
    /// most that many index entries; a knowledge base found larger is remembered as such for a
    /// minute (knowledge bases rarely shrink), so searches of large ones do not count each time.
    /// </summary>
    private async Task<bool> IsSmallAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        var bound = Settings.ExactSearchMaxRows;
        if (bound <= 0)
        {
            return false;
        }

        var now = _clock.GetTimestamp();
        if (_largeUntil.TryGetValue(knowledgeBase.Name, out var until) && now < until)
        {
            return false;
        }

        await using var count = new NpgsqlCommand(
            $"SELECT count(*) FROM (SELECT 1 FROM {PgVectorSql.ChunksTable} WHERE knowledge_base_name = @kb LIMIT @limit) AS bounded",
            connection,
            transaction);
        count.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
        count.Parameters.Add(new NpgsqlParameter<int>("limit", bound + 1));
        var rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (rows <= bound)
        {
            _largeUntil.TryRemove(knowledgeBase.Name, out _);
            return true;
        }

        _largeUntil[knowledgeBase.Name] = now + (long)(_clock.TimestampFrequency * LargeRecheckSeconds);
        return false;
    }

    private List<VectorChunk> CheckChunks(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<VectorChunk>(chunks.Count);
        for (var index = 0; index < chunks.Count; index++)
        {
            var chunk = chunks[index] ?? throw _errors.InvalidRequest(string.Create(CultureInfo.InvariantCulture, $"chunk {index} is null"));
            var where = string.Create(CultureInfo.InvariantCulture, $"chunk {index} (\"{chunk.Id}\") of knowledge base '{knowledgeBase.Name}'");
            if (string.IsNullOrEmpty(chunk.Id) || string.IsNullOrEmpty(chunk.DocumentId) || chunk.Text is null)
            {
                throw _errors.InvalidRequest($"{where} needs an id, a document id and a text");
            }

            if (PgVectorValues.FindProblem(chunk.Embedding.Span, knowledgeBase.Dimension) is { } problem)
            {
                throw _errors.InvalidRequest($"{where}: its embedding {problem}; nothing was written");
            }

            if (positions.TryGetValue(chunk.Id, out var earlier))
            {
                rows[earlier] = chunk;
            }
            else
            {
                positions[chunk.Id] = rows.Count;
                rows.Add(chunk);
            }
        }

        return rows;
    }

    /// <summary>
    /// Locks the knowledge base's row and increments its revision, first in every write: one lock
    /// order for all writers of a knowledge base, so they queue instead of deadlocking.
    /// </summary>
    private async Task LockAndBumpRevisionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, KnowledgeBaseDefinition knowledgeBase, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE knowledge_bases SET revision = revision + 1, updated_at = @now WHERE name = @kb RETURNING dimension",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
        var dimension = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (dimension is not int stored)
        {
            throw _errors.Create(VectorStoreErrorKind.NotFound, $"knowledge base '{knowledgeBase.Name}' does not exist in the database; create it before writing chunks");
        }

        if (stored != knowledgeBase.Dimension)
        {
            throw _errors.Create(
                VectorStoreErrorKind.Mismatch,
                string.Create(CultureInfo.InvariantCulture, $"knowledge base '{knowledgeBase.Name}' has dimension {stored} in the database, not {knowledgeBase.Dimension}"));
        }
    }

    private static NpgsqlBatchCommand UpsertDocumentsCommand(KnowledgeBaseDefinition knowledgeBase, List<VectorChunk> rows, DateTime now)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO knowledge_documents (knowledge_base_name, id, created_at, updated_at) " +
            "SELECT @kb, document, @now, @now FROM unnest(@documents) AS document " +
            "ON CONFLICT (knowledge_base_name, id) DO UPDATE SET updated_at = excluded.updated_at");
        command.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string[]>("documents", rows.Select(row => row.DocumentId).Distinct(StringComparer.Ordinal).ToArray()));
        return command;
    }

    private static NpgsqlBatchCommand UpsertChunksCommand(KnowledgeBaseDefinition knowledgeBase, List<VectorChunk> rows, int start, int count, DateTime now)
    {
        var command = new NpgsqlBatchCommand();
        command.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
        var text = new StringBuilder(
            "INSERT INTO knowledge_chunks (knowledge_base_name, id, document_id, text, metadata, embedding, created_at, updated_at) VALUES ");
        for (var offset = 0; offset < count; offset++)
        {
            var row = rows[start + offset];
            var suffix = offset.ToString(CultureInfo.InvariantCulture);
            text.Append(offset == 0 ? "(" : ", (")
                .Append(CultureInfo.InvariantCulture, $"@kb, @i{suffix}, @d{suffix}, @t{suffix}, @m{suffix}, @e{suffix}, @now, @now)");
            command.Parameters.Add(new NpgsqlParameter<string>("i" + suffix, row.Id));
            command.Parameters.Add(new NpgsqlParameter<string>("d" + suffix, row.DocumentId));
            command.Parameters.Add(new NpgsqlParameter<string>("t" + suffix, row.Text));
            command.Parameters.Add(new NpgsqlParameter("m" + suffix, NpgsqlDbType.Jsonb)
            {
                Value = row.Metadata is { ValueKind: not JsonValueKind.Null } metadata ? metadata.GetRawText() : DBNull.Value,
            });
            command.Parameters.Add(PgVectorSql.Parameter("e" + suffix, row.Embedding.Span));
        }

        text.Append(
            " ON CONFLICT (knowledge_base_name, id) DO UPDATE SET document_id = excluded.document_id, text = excluded.text, " +
            "metadata = excluded.metadata, embedding = excluded.embedding, updated_at = excluded.updated_at");
        command.CommandText = text.ToString();
        return command;
    }

    /// <summary>
    /// One delete in one write: locks the knowledge base's row, runs <paramref name="deleteSql"/>
    /// (which returns a row per deleted chunk), then <paramref name="afterSql"/>, and increments
    /// the revision when a chunk went. Returns the number of chunks deleted.
    /// </summary>
    private Task<int?> DeleteAsync(
        KnowledgeBaseDefinition knowledgeBase,
        string operation,
        string deleteSql,
        Action<NpgsqlBatchCommand> addParameters,
        CancellationToken cancellationToken,
        string? afterSql = null,
        Action<NpgsqlBatchCommand>? addAfterParameters = null)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return _errors.RunAsync<int?>(
            operation,
            token => _writer.WriteAsync<int?>(
                async (context, inner) =>
                {
                    var (connection, transaction) = Connection(context);
                    await using var batch = new NpgsqlBatch(connection, transaction);
                    var lockRow = new NpgsqlBatchCommand("SELECT 1 FROM knowledge_bases WHERE name = @kb FOR UPDATE");
                    lockRow.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
                    batch.BatchCommands.Add(lockRow);

                    var delete = new NpgsqlBatchCommand(
                        $"WITH deleted AS ({deleteSql}), bumped AS (" +
                        "UPDATE knowledge_bases SET revision = revision + 1, updated_at = @now WHERE name = @kb AND EXISTS (SELECT 1 FROM deleted) RETURNING 1) " +
                        "SELECT count(*) FROM deleted");
                    delete.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
                    delete.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
                    addParameters(delete);
                    batch.BatchCommands.Add(delete);

                    if (afterSql is not null)
                    {
                        var after = new NpgsqlBatchCommand(afterSql);
                        after.Parameters.Add(new NpgsqlParameter<string>("kb", knowledgeBase.Name));
                        addAfterParameters?.Invoke(after);
                        batch.BatchCommands.Add(after);
                    }

                    long deleted = 0;
                    var reader = await batch.ExecuteReaderAsync(inner).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        // The lock's result set (one row, or none when the knowledge base is gone), then the count.
                        while (await reader.ReadAsync(inner).ConfigureAwait(false))
                        {
                        }

                        await reader.NextResultAsync(inner).ConfigureAwait(false);
                        if (await reader.ReadAsync(inner).ConfigureAwait(false))
                        {
                            deleted = reader.GetInt64(0);
                        }
                    }

                    return checked((int)deleted);
                },
                token),
            cancellationToken);
    }

    private async Task<PgVectorIndexState?> ReadIndexStateAsync(PgVectorIndexDefinition index, CancellationToken cancellationToken)
    {
        var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async token =>
                {
                    await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                    try
                    {
                        return await ReadIndexStateAsync((NpgsqlConnection)context.Database.GetDbConnection(), index, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await context.Database.CloseConnectionAsync().ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<PgVectorIndexState?> ReadIndexStateAsync(NpgsqlConnection connection, PgVectorIndexDefinition index, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PgVectorIndexDefinition.StateQuery, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("name", index.Name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new PgVectorIndexState(
            reader.GetBoolean(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    /// <summary>
    /// Runs index DDL on a connection of the writer's exclusive context (DDL manages its own
    /// transactions), holding the knowledge base's advisory lock, so that two hosts ensuring or
    /// deleting the same knowledge base take turns.
    /// </summary>
    private Task<bool> WithIndexLockAsync(PgVectorIndexDefinition index, Func<NpgsqlConnection, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        _writer.RunExclusiveAsync(
            async (context, token) =>
            {
                await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                try
                {
                    var connection = (NpgsqlConnection)context.Database.GetDbConnection();
                    await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", token, new NpgsqlParameter<long>("key", index.LockKey)).ConfigureAwait(false);
                    try
                    {
                        await work(connection, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await UnlockAsync(connection, index).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await context.Database.CloseConnectionAsync().ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);

    private static async Task UnlockAsync(NpgsqlConnection connection, PgVectorIndexDefinition index)
    {
        try
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, new NpgsqlParameter<long>("key", index.LockKey)).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection broke, and the session's advisory locks ended with it; the failure
            // that matters is the one already propagating.
        }
    }

    private async Task EnsureLockedAsync(NpgsqlConnection connection, PgVectorIndexDefinition index, CancellationToken cancellationToken)
    {
        // Again under the lock: another host may have built it while this one waited.
        var state = await ReadIndexStateAsync(connection, index, cancellationToken).ConfigureAwait(false);
        if (state is not null && index.Matches(state))
        {
            return;
        }

        if (state is not null)
        {
            var hasChunks = await ExecuteScalarAsync(
                connection,
                "SELECT EXISTS (SELECT 1 FROM knowledge_chunks WHERE knowledge_base_name = @kb)",
                cancellationToken,
                new NpgsqlParameter<string>("kb", index.KnowledgeBase.Name)).ConfigureAwait(false) is true;
            if (state.IsValid && hasChunks)
            {
                throw _errors.Create(
                    VectorStoreErrorKind.Mismatch,
                    $"{index.Describe(state)}. The knowledge base holds chunks of the old shape: delete it and load it again, or use another name");
            }

            // Invalid (an interrupted build), or left by an earlier knowledge base of this name that holds nothing now.
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                LogIndexReplaced(index.Name, index.KnowledgeBase.Name, index.Describe(state));
            }

            await ExecuteAsync(connection, index.DropSql, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        await ExecuteAsync(connection, index.CreateSql, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogIndexCreated(index.Name, index.KnowledgeBase.Name, index.KnowledgeBase.Dimension, index.KnowledgeBase.Metric, elapsed.TotalMilliseconds);
    }

    private async Task DropIndexAsync(NpgsqlConnection connection, PgVectorIndexDefinition index, CancellationToken cancellationToken)
    {
        var state = await ReadIndexStateAsync(connection, index, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return;
        }

        await ExecuteAsync(connection, index.DropSql, cancellationToken).ConfigureAwait(false);
        LogIndexDropped(index.Name, index.KnowledgeBase.Name);
    }

    private async Task<Version> ReadVersionAsync(CancellationToken cancellationToken)
    {
        var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var (installed, available, database) = await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async token =>
                {
                    await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                    try
                    {
                        await using var command = new NpgsqlCommand(
                            "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'), " +
                            "(SELECT default_version FROM pg_available_extensions WHERE name = 'vector'), current_database()",
                            (NpgsqlConnection)context.Database.GetDbConnection());
                        await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                        await reader.ReadAsync(token).ConfigureAwait(false);
                        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
                    }
                    finally
                    {
                        await context.Database.CloseConnectionAsync().ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);

            if (installed is null)
            {
                throw _errors.Create(
                    VectorStoreErrorKind.Unavailable,
                    available is null
                        ? $"the PostgreSQL server has no pgvector extension. Install pgvector {MinimumVersion} or later on the server (for example the postgresql-<version>-pgvector package, or from source: https://github.com/pgvector/pgvector#installation), then run `compozy migrate up`, which creates it in database \"{database}\""
                        : $"pgvector {available} is installed on the server but not created in database \"{database}\". Run `compozy migrate up` (it runs CREATE EXTENSION vector, which needs a role allowed to create extensions), or have an administrator run CREATE EXTENSION vector in that database");
            }

            var version = ParseVersion(installed);
            Volatile.Write(ref _version, version);
            return version;
        }
    }

    private async Task<bool> CanReadVectorsAsync(CancellationToken cancellationToken)
    {
        var context = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var command = new NpgsqlCommand("SELECT '[1,2,3]'::vector", (NpgsqlConnection)context.Database.GetDbConnection());
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return reader.GetFieldValue<Vector>(0).ToArray() is [1, 2, 3];
            }
            catch (Exception exception) when (exception is InvalidCastException or NotSupportedException)
            {
                // Npgsql does not know the type: its catalog predates the extension.
                return false;
            }
            finally
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    private static Version ParseVersion(string text)
    {
        // pgvector versions are major.minor.patch; anything after a '-' or a space is a build tag.
        var core = text.Split(['-', ' '], 2)[0];
        return Version.TryParse(core, out var version) ? version : new Version(0, 0);
    }

    private static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Connection(CompozyDbContext context) =>
        ((NpgsqlConnection)context.Database.GetDbConnection(),
         (NpgsqlTransaction)(context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("the pgvector store writes inside the writer's transaction")));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ExecuteScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private string FilterJson(IReadOnlyDictionary<string, JsonElement> filter)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in filter)
            {
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    throw _errors.InvalidRequest($"filter.{key} is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; a filter compares metadata with strings, numbers and booleans");
                }

                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "pgvector store \"{Id}\": pgvector {Version} is installed")]
    private partial void LogChecked(string id, Version version);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "created HNSW index {Index} of knowledge base '{KnowledgeBase}' (dimension {Dimension}, metric {Metric}) in {Milliseconds:F0} ms")]
    private partial void LogIndexCreated(string index, string knowledgeBase, int dimension, VectorMetric metric, double milliseconds);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "replacing HNSW index {Index} of knowledge base '{KnowledgeBase}', which holds no chunks: {Difference}")]
    private partial void LogIndexReplaced(string index, string knowledgeBase, string difference);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "dropped HNSW index {Index} of knowledge base '{KnowledgeBase}'")]
    private partial void LogIndexDropped(string index, string knowledgeBase);
}
