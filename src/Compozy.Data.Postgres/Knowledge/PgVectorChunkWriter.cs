using System.Globalization;
using System.Text;
using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Writes;
using Npgsql;
using NpgsqlTypes;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// Upserts of chunks: every chunk checked before anything is sent, then one transaction that
/// locks the knowledge base's row, bumps its revision, adds missing documents and inserts or
/// replaces the chunks in multi-row statements.
/// </summary>
internal sealed class PgVectorChunkWriter(IDatabaseWriter writer, TimeProvider clock, RelationalVectorStoreErrors errors)
{
    /// <summary>Rows per INSERT statement of an upsert: far below PostgreSQL's 65,535 parameters, and a few MB per statement at 768 dimensions.</summary>
    private const int RowsPerStatement = 1000;

    /// <summary>Inserts or replaces the chunks; see <see cref="PgVectorStore.UpsertChunksAsync"/>.</summary>
    public Task UpsertAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunks);
        var rows = CheckChunks(knowledgeBase, chunks);
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Raw SQL bypasses the model's converter: the same whole microseconds it would store.
        var now = UtcDateTimeConverter.ToStore(clock.GetUtcNow().UtcDateTime);
        return errors.RunAsync(
            $"writing {rows.Count} chunks to knowledge base '{knowledgeBase.Name}'",
            token => writer.WriteAsync(
                async (context, inner) =>
                {
                    var (connection, transaction) = PgVectorCommands.Transaction(context);
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

    /// <summary>The chunks to write, in order, a later chunk with an earlier one's id replacing it; the first bad chunk fails the call.</summary>
    private List<VectorChunk> CheckChunks(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks)
    {
        VectorStoreInput.CheckChunks(errors.Store, knowledgeBase, chunks);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<VectorChunk>(chunks.Count);
        foreach (var chunk in chunks)
        {
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
            throw errors.Create(VectorStoreErrorKind.NotFound, $"knowledge base '{knowledgeBase.Name}' does not exist in the database; create it before writing chunks");
        }

        if (stored != knowledgeBase.Dimension)
        {
            throw errors.Create(
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
}
