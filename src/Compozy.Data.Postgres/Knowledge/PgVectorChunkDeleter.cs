using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Writes;
using Npgsql;
using NpgsqlTypes;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Deletes of chunks, of a document with its chunks, and of a knowledge base's rows: each one
/// write that locks the knowledge base's row first (the upsert's lock order) and bumps its
/// revision only when a chunk went.
/// </summary>
internal sealed class PgVectorChunkDeleter(IDatabaseWriter writer, TimeProvider clock, RelationalVectorStoreErrors errors)
{
    /// <summary>Deletes chunks by id; see <see cref="PgVectorStore.DeleteChunksAsync"/>.</summary>
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

    /// <summary>Deletes a document and its chunks; see <see cref="PgVectorStore.DeleteDocumentAsync"/>.</summary>
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

    /// <summary>Deletes every document and chunk of the knowledge base (its <c>knowledge_bases</c> row stays: the catalog's to delete).</summary>
    public Task<int?> DeleteKnowledgeBaseRowsAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken) =>
        DeleteAsync(
            knowledgeBase,
            $"deleting knowledge base '{knowledgeBase.Name}'",
            "DELETE FROM knowledge_chunks WHERE knowledge_base_name = @kb RETURNING 1",
            _ => { },
            cancellationToken,
            "DELETE FROM knowledge_documents WHERE knowledge_base_name = @kb",
            _ => { });

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
        // Raw SQL bypasses the model's converter: the same whole microseconds it would store.
        var now = UtcDateTimeConverter.ToStore(clock.GetUtcNow().UtcDateTime);
        return errors.RunAsync<int?>(
            operation,
            token => writer.WriteAsync<int?>(
                async (context, inner) =>
                {
                    var (connection, transaction) = PgVectorCommands.Transaction(context);
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
}
