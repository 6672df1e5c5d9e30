using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Sqlite.Model;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// The <c>embedded</c> store: chunks and their float32 embeddings in the SQLite database file,
/// written through the database writer (so in the same transaction, durable as the database is),
/// and searched exactly in memory.
/// </summary>
/// <remarks>
/// <para><b>Search.</b> Each search reads the knowledge base's revision in a read snapshot and
/// scans the cached matrix of exactly that revision with SIMD kernels; when none is cached it
/// loads one from the same snapshot first (one load at a time per knowledge base). Every write
/// increments the revision in its own transaction, so a search never uses a matrix older than
/// the data it can see, whichever process wrote. A knowledge base larger than
/// <c>options.max_memory</c> is scanned from the database row by row instead: still exact, slower.</para>
/// <para><b>Cost of a write.</b> The next search of that knowledge base reloads it: loading reads
/// every embedding once (about as long as a full scan from the database).</para>
/// </remarks>
internal sealed class EmbeddedVectorStore(
    VectorDatabaseOptions options,
    EmbeddedMatrixCache cache,
    IDbContextFactory<CompozyDbContext> contexts,
    IDatabaseWriter writer,
    IStoreDialect dialect,
    IDbErrorClassifier classifier,
    TimeProvider clock) : IVectorStore
{
    private readonly RelationalVectorStoreErrors errors = new($"{options.DisplayPath} (embedded in the SQLite database file)", classifier);

    private const string ChunkColumns = "knowledge_base_name, id, document_id, text, metadata, embedding, created_at, updated_at";

    public VectorDatabaseOptions Options { get; } = options;

    /// <summary>The cache of loaded matrices, for the benchmark and tests that look at memory.</summary>
    public EmbeddedMatrixCache Cache { get; } = cache;

    /// <summary>Checks that the knowledge tables are there (the migrations ran): nothing else can be missing.</summary>
    public Task CheckAsync(CancellationToken cancellationToken) =>
        errors.RunAsync(
            "checking the knowledge tables",
            async token =>
            {
                var context = await contexts.CreateDbContextAsync(token).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    // Raw, not AnyAsync: this runs on the way to ready, where a LINQ query would be
                    // the process's first and its compilation most of the check's time (ModelRows).
                    await context.Database.ExecuteSqlRawAsync("SELECT 1 FROM knowledge_chunks LIMIT 1", token).ConfigureAwait(false);
                }
            },
            cancellationToken);

    /// <summary>Nothing to create (the tables hold every knowledge base); refuses a stored knowledge base of another shape.</summary>
    public async Task EnsureKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        var version = await ReadAsync((connection, transaction, token) => ReadVersionAsync(connection, transaction, knowledgeBase.Name, token), cancellationToken)
            .ConfigureAwait(false);
        if (version is not null && !version.Matches(knowledgeBase))
        {
            throw Mismatch(knowledgeBase, version);
        }
    }

    /// <summary>
    /// Writes the chunks and their documents in one transaction of the database writer and
    /// increments the knowledge base's revision. Returns after the commit (durable as configured
    /// by <c>database.sqlite.synchronous</c>); a search after that sees every chunk.
    /// </summary>
    public async Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunks);
        VectorStoreInput.CheckChunks(errors.Store, knowledgeBase, chunks);

        // Raw SQL bypasses the model's converter: the same whole microseconds it would store.
        var now = UtcDateTimeConverter.ToStore(clock.GetUtcNow().UtcDateTime);
        await errors.RunAsync(
            $"writing {chunks.Count} chunks of knowledge base '{knowledgeBase.Name}'",
            token => writer.WriteAsync(
                async (context, inner) =>
                {
                    var (connection, transaction) = WriterConnection(context);
                    await BumpRevisionAsync(connection, transaction, knowledgeBase, now, inner).ConfigureAwait(false);

                    await using var document = Command(
                        connection,
                        transaction,
                        "INSERT INTO knowledge_documents (knowledge_base_name, id, created_at, updated_at) VALUES (@kb, @id, @now, @now) " +
                        "ON CONFLICT (knowledge_base_name, id) DO UPDATE SET updated_at = excluded.updated_at",
                        ("kb", knowledgeBase.Name),
                        ("now", now));
                    var documentId = document.Parameters.Add("id", SqliteType.Text);
                    foreach (var distinctDocument in chunks.Select(row => row.DocumentId).Distinct(StringComparer.Ordinal))
                    {
                        documentId.Value = distinctDocument;
                        await document.ExecuteNonQueryAsync(inner).ConfigureAwait(false);
                    }

                    await using var chunk = Command(
                        connection,
                        transaction,
                        $"INSERT INTO knowledge_chunks ({ChunkColumns}) VALUES (@kb, @id, @document, @text, @metadata, @embedding, @now, @now) " +
                        "ON CONFLICT (knowledge_base_name, id) DO UPDATE SET document_id = excluded.document_id, text = excluded.text, " +
                        "metadata = excluded.metadata, embedding = excluded.embedding, updated_at = excluded.updated_at",
                        ("kb", knowledgeBase.Name),
                        ("now", now));
                    var id = chunk.Parameters.Add("id", SqliteType.Text);
                    var documentOfChunk = chunk.Parameters.Add("document", SqliteType.Text);
                    var text = chunk.Parameters.Add("text", SqliteType.Text);
                    var metadata = chunk.Parameters.Add("metadata", SqliteType.Text);
                    var embedding = chunk.Parameters.Add("embedding", SqliteType.Blob);
                    foreach (var row in chunks)
                    {
                        id.Value = row.Id;
                        documentOfChunk.Value = row.DocumentId;
                        text.Value = row.Text;
                        metadata.Value = row.Metadata is { ValueKind: not JsonValueKind.Null } json ? json.GetRawText() : DBNull.Value;
                        embedding.Value = EmbeddingBytes.From(row.Embedding.Span);
                        await chunk.ExecuteNonQueryAsync(inner).ConfigureAwait(false);
                    }

                    return true;
                },
                token),
            cancellationToken).ConfigureAwait(false);
        Cache.Remove(knowledgeBase.Name);
    }

    /// <inheritdoc />
    public Task<int?> DeleteChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunkIds);
        return DeleteAsync(
            knowledgeBase,
            $"deleting {chunkIds.Count} chunks of knowledge base '{knowledgeBase.Name}'",
            async (connection, transaction, token) =>
            {
                await using var delete = Command(connection, transaction, "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb AND id = @id", ("kb", knowledgeBase.Name));
                var id = delete.Parameters.Add("id", SqliteType.Text);
                var deleted = 0;
                foreach (var chunkId in chunkIds.Distinct(StringComparer.Ordinal))
                {
                    id.Value = chunkId;
                    deleted += await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return deleted;
            },
            cancellationToken);
    }

    /// <summary>Deletes a document and its chunks. Returns how many chunks it had (0 when it did not exist).</summary>
    public Task<int?> DeleteDocumentAsync(KnowledgeBaseDefinition knowledgeBase, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(documentId);
        return DeleteAsync(
            knowledgeBase,
            $"deleting a document of knowledge base '{knowledgeBase.Name}'",
            async (connection, transaction, token) =>
            {
                await using var chunks = Command(
                    connection, transaction, "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb AND document_id = @document", ("kb", knowledgeBase.Name), ("document", documentId));
                var deleted = await chunks.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                await using var document = Command(
                    connection, transaction, "DELETE FROM knowledge_documents WHERE knowledge_base_name = @kb AND id = @document", ("kb", knowledgeBase.Name), ("document", documentId));
                await document.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return deleted;
            },
            cancellationToken);
    }

    /// <summary>Deletes the knowledge base's documents and chunks; its <c>knowledge_bases</c> row is the catalog's to delete.</summary>
    public async Task DeleteKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        await DeleteAsync(
            knowledgeBase,
            $"deleting knowledge base '{knowledgeBase.Name}'",
            async (connection, transaction, token) =>
            {
                await using var chunks = Command(connection, transaction, "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb", ("kb", knowledgeBase.Name));
                var deleted = await chunks.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                await using var documents = Command(connection, transaction, "DELETE FROM knowledge_documents WHERE knowledge_base_name = @kb", ("kb", knowledgeBase.Name));
                await documents.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return deleted;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The exact top k by the knowledge base's metric among chunks whose metadata has every key of
    /// the filter with an equal value; ties go to the smaller chunk id. Reads one snapshot: the
    /// results, their text and their metadata are of the same committed state.
    /// </summary>
    public Task<IReadOnlyList<VectorSearchResult>> SearchAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        VectorStoreInput.CheckQuery(errors.Store, Options, knowledgeBase, query);
        var filter = EmbeddedFilter.Compile(query.Filter);
        var prepared = new EmbeddedQuery(query.Embedding.Span, knowledgeBase.Metric);
        return ReadAsync<IReadOnlyList<VectorSearchResult>>(
            async (connection, transaction, token) =>
            {
                var version = await ReadVersionAsync(connection, transaction, knowledgeBase.Name, token).ConfigureAwait(false)
                    ?? throw errors.Create(VectorStoreErrorKind.NotFound, $"knowledge base '{knowledgeBase.Name}' does not exist");
                if (!version.Matches(knowledgeBase))
                {
                    throw Mismatch(knowledgeBase, version);
                }

                var matrix = await MatrixAsync(connection, transaction, knowledgeBase, version, token).ConfigureAwait(false);
                var hits = matrix is not null
                    ? matrix.Search(prepared, query.TopK, filter)
                    : await ScanAsync(connection, transaction, knowledgeBase, prepared, query.TopK, filter, token).ConfigureAwait(false);
                return await ResultsAsync(connection, transaction, knowledgeBase.Name, hits, token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private VectorStoreException Mismatch(KnowledgeBaseDefinition knowledgeBase, EmbeddedVersion version) =>
        errors.Create(
            VectorStoreErrorKind.Mismatch,
            string.Create(
                CultureInfo.InvariantCulture,
                $"knowledge base '{knowledgeBase.Name}' is stored with dimension {version.Dimension} and metric {version.Metric}, not {knowledgeBase.Dimension} and {StoredNames.Of(knowledgeBase.Metric)}"));

    private static (SqliteConnection Connection, SqliteTransaction Transaction) WriterConnection(CompozyDbContext context) =>
        ((SqliteConnection)context.Database.GetDbConnection(),
         (SqliteTransaction)(context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("the embedded store writes inside the writer's transaction")));

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task<EmbeddedVersion?> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT revision, created_at, dimension, metric FROM knowledge_bases WHERE name = @kb", ("kb", name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new EmbeddedVersion(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3))
            : null;
    }

    private async Task BumpRevisionAsync(SqliteConnection connection, SqliteTransaction transaction, KnowledgeBaseDefinition knowledgeBase, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            transaction,
            "UPDATE knowledge_bases SET revision = revision + 1, updated_at = @now WHERE name = @kb RETURNING dimension",
            ("kb", knowledgeBase.Name),
            ("now", now));
        var dimension = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (dimension is null)
        {
            throw errors.Create(VectorStoreErrorKind.NotFound, $"knowledge base '{knowledgeBase.Name}' does not exist; create it before writing chunks");
        }

        if (Convert.ToInt32(dimension, CultureInfo.InvariantCulture) != knowledgeBase.Dimension)
        {
            throw errors.Create(
                VectorStoreErrorKind.Mismatch,
                string.Create(CultureInfo.InvariantCulture, $"knowledge base '{knowledgeBase.Name}' has dimension {dimension} in the database, not {knowledgeBase.Dimension}"));
        }
    }

    private async Task<int?> DeleteAsync(
        KnowledgeBaseDefinition knowledgeBase,
        string operation,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<int>> delete,
        CancellationToken cancellationToken)
    {
        // Raw SQL bypasses the model's converter: the same whole microseconds it would store.
        var now = UtcDateTimeConverter.ToStore(clock.GetUtcNow().UtcDateTime);
        var deleted = await errors.RunAsync(
            operation,
            token => writer.WriteAsync(
                async (context, inner) =>
                {
                    var (connection, transaction) = WriterConnection(context);
                    var count = await delete(connection, transaction, inner).ConfigureAwait(false);
                    if (count > 0)
                    {
                        await using var bump = Command(
                            connection, transaction, "UPDATE knowledge_bases SET revision = revision + 1, updated_at = @now WHERE name = @kb", ("kb", knowledgeBase.Name), ("now", now));
                        await bump.ExecuteNonQueryAsync(inner).ConfigureAwait(false);
                    }

                    return count;
                },
                token),
            cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            Cache.Remove(knowledgeBase.Name);
        }

        return deleted;
    }

    /// <summary>Runs <paramref name="read"/> in one read snapshot on a read connection.</summary>
    private Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        errors.RunAsync(
            "reading the knowledge tables",
            async token =>
            {
                var context = await contexts.CreateDbContextAsync(token).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    return await dialect.ReadSnapshotAsync(
                        context,
                        inner => read(
                            (SqliteConnection)context.Database.GetDbConnection(),
                            (SqliteTransaction)context.Database.CurrentTransaction!.GetDbTransaction(),
                            inner),
                        token).ConfigureAwait(false);
                }
            },
            cancellationToken);

    /// <summary>The matrix of <paramref name="version"/>, loaded from this snapshot if need be; <see langword="null"/> when it exceeds the memory bound.</summary>
    private async Task<EmbeddedMatrix?> MatrixAsync(
        SqliteConnection connection, SqliteTransaction transaction, KnowledgeBaseDefinition knowledgeBase, EmbeddedVersion version, CancellationToken cancellationToken)
    {
        if (Cache.Find(knowledgeBase.Name, version) is { } cached)
        {
            return cached;
        }

        var gate = Cache.LoadGate(knowledgeBase.Name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another search may have loaded this revision while this one waited.
            if (Cache.Find(knowledgeBase.Name, version) is { } loaded)
            {
                return loaded;
            }

            await using var size = Command(
                connection,
                transaction,
                "SELECT count(*), coalesce(sum(length(id) + coalesce(length(metadata), 0)), 0) FROM knowledge_chunks WHERE knowledge_base_name = @kb",
                ("kb", knowledgeBase.Name));
            long count;
            long variableBytes;
            await using (var reader = await size.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                count = reader.GetInt64(0);
                variableBytes = reader.GetInt64(1);
            }

            if (EmbeddedMatrix.EstimateBytes(count, knowledgeBase.Dimension, variableBytes) > Cache.MaxBytes)
            {
                return null;
            }

            var matrix = new EmbeddedMatrix(knowledgeBase.Dimension, knowledgeBase.Metric, version.Revision, version.Identity, checked((int)count));
            var row = new float[knowledgeBase.Dimension];
            await foreach (var (id, embedding, metadata) in RowsAsync(connection, transaction, knowledgeBase.Name, cancellationToken).ConfigureAwait(false))
            {
                EmbeddingBytes.CopyTo(embedding, row);
                matrix.Upsert(id, row, EmbeddedMetadata.Parse(metadata));
            }

            Cache.Add(knowledgeBase.Name, matrix);
            return matrix;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The exact search without a matrix: every row is read from the snapshot and ranked as it goes by.</summary>
    private static async Task<List<EmbeddedHit>> ScanAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        KnowledgeBaseDefinition knowledgeBase,
        EmbeddedQuery query,
        int k,
        EmbeddedFilter? filter,
        CancellationToken cancellationToken)
    {
        var top = new EmbeddedTopK(k);
        var row = new float[knowledgeBase.Dimension];
        await foreach (var (id, embedding, metadata) in RowsAsync(connection, transaction, knowledgeBase.Name, cancellationToken).ConfigureAwait(false))
        {
            if (filter is not null && !filter.Matches(EmbeddedMetadata.Parse(metadata)))
            {
                continue;
            }

            EmbeddingBytes.CopyTo(embedding, row);
            var key = query.RankKey(row, EmbeddedQuery.NormOf(row));
            if (key >= top.Threshold)
            {
                top.Offer(key, id);
            }
        }

        return top.ToBestFirst().ConvertAll(hit => new EmbeddedHit(hit.Id, EmbeddedQuery.ScoreOf(knowledgeBase.Metric, hit.Key)));
    }

    private static async IAsyncEnumerable<(string Id, byte[] Embedding, string? Metadata)> RowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string knowledgeBase, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT id, embedding, metadata FROM knowledge_chunks WHERE knowledge_base_name = @kb", ("kb", knowledgeBase));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (reader.GetString(0), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
    }

    private static async Task<IReadOnlyList<VectorSearchResult>> ResultsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string knowledgeBase, List<EmbeddedHit> hits, CancellationToken cancellationToken)
    {
        var results = new List<VectorSearchResult>(hits.Count);
        await using var command = Command(connection, transaction, "SELECT document_id, text, metadata FROM knowledge_chunks WHERE knowledge_base_name = @kb AND id = @id", ("kb", knowledgeBase));
        var id = command.Parameters.Add("id", SqliteType.Text);
        foreach (var hit in hits)
        {
            id.Value = hit.Id;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The matrix and this read are of the same snapshot; a missing row is a bug, not a race.
                throw new InvalidOperationException($"chunk '{hit.Id}' of knowledge base '{knowledgeBase}' is in the matrix but not in the snapshot");
            }

            JsonElement? metadata = reader.IsDBNull(2) ? null : ParseJson(reader.GetString(2));
            results.Add(new VectorSearchResult(hit.Id, hit.Score, reader.GetString(1), metadata, reader.GetString(0)));
        }

        return results;
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
