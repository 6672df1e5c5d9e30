using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// The lifecycle of each knowledge base's partial HNSW index: created on demand, checked against
/// the knowledge base's dimension and metric, rebuilt when stale and empty, dropped with the
/// knowledge base. DDL runs outside any transaction (<c>CONCURRENTLY</c>) under a per-knowledge-base
/// advisory lock, so several hosts may ensure the same knowledge base at once.
/// </summary>
internal sealed partial class PgVectorIndexManager(
    PgVectorIndexSettings settings,
    IDbContextFactory<CompozyDbContext> contexts,
    IDatabaseWriter writer,
    RelationalVectorStoreErrors errors,
    ILogger logger)
{
    /// <summary>Creates or checks the index; see <see cref="PgVectorStore.EnsureKnowledgeBaseAsync"/>.</summary>
    public Task EnsureAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        if (knowledgeBase.Dimension is < 1 or > PgVectorSql.MaxIndexedDimension)
        {
            throw errors.Create(VectorStoreErrorKind.InvalidRequest, string.Create(
                CultureInfo.InvariantCulture,
                $"knowledge base '{knowledgeBase.Name}' has dimension {knowledgeBase.Dimension}; pgvector's HNSW index takes 1 to {PgVectorSql.MaxIndexedDimension} dimensions. Use an embedding model with at most {PgVectorSql.MaxIndexedDimension} dimensions, or another vector database"));
        }

        var index = new PgVectorIndexDefinition(knowledgeBase, settings);
        return errors.RunAsync(
            $"ensuring the index of knowledge base '{knowledgeBase.Name}'",
            async token =>
            {
                // The common case (it exists and matches) needs no lock and no DDL.
                var state = await PgVectorCommands.ReadAsync(contexts, (connection, inner) => ReadStateAsync(connection, index, inner), token).ConfigureAwait(false);
                if (state is not null && index.Matches(state))
                {
                    return true;
                }

                await WithIndexLockAsync(index, (connection, inner) => EnsureLockedAsync(connection, index, inner), token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Drops the knowledge base's index, if it has one. Failures are the caller's to translate.</summary>
    public Task DropAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        var index = new PgVectorIndexDefinition(knowledgeBase, settings);
        return WithIndexLockAsync(index, (connection, inner) => DropLockedAsync(connection, index, inner), cancellationToken);
    }

    private static async Task<PgVectorIndexState?> ReadStateAsync(NpgsqlConnection connection, PgVectorIndexDefinition index, CancellationToken cancellationToken)
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
        writer.RunExclusiveAsync(
            async (context, token) =>
            {
                await context.Database.OpenConnectionAsync(token).ConfigureAwait(false);
                try
                {
                    var connection = (NpgsqlConnection)context.Database.GetDbConnection();
                    await PgVectorCommands.ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", token, new NpgsqlParameter<long>("key", index.LockKey)).ConfigureAwait(false);
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
            await PgVectorCommands.ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, new NpgsqlParameter<long>("key", index.LockKey)).ConfigureAwait(false);
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
        var state = await ReadStateAsync(connection, index, cancellationToken).ConfigureAwait(false);
        if (state is not null && index.Matches(state))
        {
            return;
        }

        if (state is not null)
        {
            var hasChunks = await PgVectorCommands.ExecuteScalarAsync(
                connection,
                "SELECT EXISTS (SELECT 1 FROM knowledge_chunks WHERE knowledge_base_name = @kb)",
                cancellationToken,
                new NpgsqlParameter<string>("kb", index.KnowledgeBase.Name)).ConfigureAwait(false) is true;
            if (state.IsValid && hasChunks)
            {
                throw errors.Create(
                    VectorStoreErrorKind.Mismatch,
                    $"{index.Describe(state)}. The knowledge base holds chunks of the old shape: delete it and load it again, or use another name");
            }

            // Invalid (an interrupted build), or left by an earlier knowledge base of this name that holds nothing now.
            if (logger.IsEnabled(LogLevel.Warning))
            {
                LogIndexReplaced(index.Name, index.KnowledgeBase.Name, index.Describe(state));
            }

            await PgVectorCommands.ExecuteAsync(connection, index.DropSql, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        await PgVectorCommands.ExecuteAsync(connection, index.CreateSql, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogIndexCreated(index.Name, index.KnowledgeBase.Name, index.KnowledgeBase.Dimension, index.KnowledgeBase.Metric, elapsed.TotalMilliseconds);
    }

    private async Task DropLockedAsync(NpgsqlConnection connection, PgVectorIndexDefinition index, CancellationToken cancellationToken)
    {
        var state = await ReadStateAsync(connection, index, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return;
        }

        await PgVectorCommands.ExecuteAsync(connection, index.DropSql, cancellationToken).ConfigureAwait(false);
        LogIndexDropped(index.Name, index.KnowledgeBase.Name);
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "created HNSW index {Index} of knowledge base '{KnowledgeBase}' (dimension {Dimension}, metric {Metric}) in {Milliseconds:F0} ms")]
    private partial void LogIndexCreated(string index, string knowledgeBase, int dimension, VectorMetric metric, double milliseconds);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "replacing HNSW index {Index} of knowledge base '{KnowledgeBase}', which holds no chunks: {Difference}")]
    private partial void LogIndexReplaced(string index, string knowledgeBase, string difference);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "dropped HNSW index {Index} of knowledge base '{KnowledgeBase}'")]
    private partial void LogIndexDropped(string index, string knowledgeBase);
}
