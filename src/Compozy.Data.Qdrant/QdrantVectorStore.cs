using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The chunks of every knowledge base of one <c>provider: qdrant</c> entry, in one Qdrant
/// collection (<c>options.collection</c>, default the entry's id) whose single unnamed vector has
/// the entry's dimension and metric. Each point's payload names its knowledge base, document and
/// chunk, and carries the text and metadata; every search and delete filters on the knowledge base.
/// It talks to Qdrant's gRPC API through Qdrant.Client, on a channel of its own.
/// </summary>
internal sealed class QdrantVectorStore : IVectorStore, IDisposable
{
    private static readonly string[] IndexedKeywords = [QdrantChunkPayload.KnowledgeBaseKey, QdrantChunkPayload.DocumentIdKey];

    private readonly QdrantStoreSettings _settings;
    private readonly QdrantConnection _connection;
    private readonly QdrantCaller _client;
    private readonly ILogger _logger;

    /// <param name="options">The entry.</param>
    /// <param name="settings">Its parsed options.</param>
    /// <param name="connection">The channel to the server; the store owns it from here on.</param>
    /// <param name="timeProvider">The clock retries wait on.</param>
    /// <param name="logger">Where retries, rollbacks and created collections are logged.</param>
    public QdrantVectorStore(VectorDatabaseOptions options, QdrantStoreSettings settings, QdrantConnection connection, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connection);
        Options = options;
        _settings = settings;
        _connection = connection;
        _logger = logger;
        _client = new QdrantCaller(options, settings, connection.Client, timeProvider, logger);
    }

    /// <inheritdoc />
    public VectorDatabaseOptions Options { get; }

    /// <summary>The collection this entry's knowledge bases live in.</summary>
    public string Collection => _settings.Collection;

    /// <inheritdoc />
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        // A missing collection is fine here: the first knowledge base creates it.
        if (await CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await VerifyCollectionAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task EnsureKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        RequireFits(knowledgeBase);
        if (await CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await VerifyCollectionAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CreateCollectionAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var field in IndexedKeywords)
        {
            // Idempotent on Qdrant's side: asking for an index that exists with this type is a no-op.
            var action = $"creating the keyword index on {field} in collection \"{Collection}\"";
            var result = await _client.CallAsync(
                QdrantCall.Repeatable(action),
                (client, token) => client.CreatePayloadIndexAsync(Collection, field, PayloadSchemaType.Keyword, wait: true, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
            RequireCompleted(result, action);
        }
    }

    /// <inheritdoc />
    public async Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken)
    {
        RequireFits(knowledgeBase);
        VectorStoreInput.CheckChunks(_client.Where, knowledgeBase, chunks);
        var points = chunks.Select(chunk => ToPoint(knowledgeBase, chunk)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var batches = points.Chunk(_settings.BatchSize).ToList();
        var written = new List<PointStruct>();
        for (var index = 0; index < batches.Count; index++)
        {
            var batch = batches[index];
            var action = batches.Count == 1
                ? $"writing {Count(batch.Length, "chunk")} of knowledge base \"{knowledgeBase.Name}\" to collection \"{Collection}\""
                : $"writing batch {index + 1} of {batches.Count} ({Count(batch.Length, "chunk")}) of knowledge base \"{knowledgeBase.Name}\" to collection \"{Collection}\"";
            try
            {
                // Points have fixed ids, so writing a batch again writes the same points: repeatable.
                var result = await _client.CallAsync(
                    QdrantCall.Repeatable(action),
                    (client, token) => client.UpsertAsync(Collection, batch, wait: true, cancellationToken: token),
                    cancellationToken).ConfigureAwait(false);
                RequireCompleted(result, action);
                written.AddRange(batch);
            }
            catch (Exception exception) when (exception is VectorStoreException or OperationCanceledException)
            {
                // A refused call wrote nothing; after a deadline, a server failure, a broken
                // connection or a cancellation the batch may have landed, so it is removed with the
                // earlier ones.
                var uncertain = exception is OperationCanceledException
                    || (exception is VectorStoreException { Kind: not (VectorStoreErrorKind.InvalidRequest or VectorStoreErrorKind.Unauthorized or VectorStoreErrorKind.NotFound or VectorStoreErrorKind.Throttled) });
                List<string> toRemove = [.. written.Concat(uncertain ? batch : []).Select(point => point.Id.Uuid)];
                var rollbackFailure = await RollBackAsync(knowledgeBase, points.Count, toRemove).ConfigureAwait(false);
                if (rollbackFailure is not null && exception is VectorStoreException failure)
                {
                    throw new VectorStoreException(
                        failure.Kind,
                        _client.Where,
                        $"{failure.Problem}; removing the {Count(toRemove.Count, "point")} that may have been written failed too, so they stay searchable until written again or deleted ({rollbackFailure.Message})",
                        failure);
                }

                throw;
            }
        }
    }

    /// <inheritdoc />
    public async Task<int?> DeleteChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunkIds);
        var ids = chunkIds.Select(id => QdrantPointIds.For(knowledgeBase.Name, id)).Distinct(StringComparer.Ordinal).ToList();
        await DeletePointsAsync(knowledgeBase, ids, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public async Task<int?> DeleteDocumentAsync(KnowledgeBaseDefinition knowledgeBase, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(documentId);
        await DeleteWhereAsync(
            [QdrantFilters.KnowledgeBase(knowledgeBase.Name), QdrantFilters.Document(documentId)],
            $"deleting the chunks of document \"{documentId}\" of knowledge base \"{knowledgeBase.Name}\" from collection \"{Collection}\"",
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public Task DeleteKnowledgeBaseAsync(KnowledgeBaseDefinition knowledgeBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        return DeleteWhereAsync(
            [QdrantFilters.KnowledgeBase(knowledgeBase.Name)],
            $"deleting the chunks of knowledge base \"{knowledgeBase.Name}\" from collection \"{Collection}\"",
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VectorSearchResult>> SearchAsync(KnowledgeBaseDefinition knowledgeBase, VectorQuery query, CancellationToken cancellationToken)
    {
        RequireFits(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        VectorStoreInput.CheckQuery(_client.Where, Options, knowledgeBase, query);
        var filter = QdrantFilters.All(
            query.Filter.Select(pair => QdrantFilters.Metadata(pair.Key, pair.Value)).Prepend(QdrantFilters.KnowledgeBase(knowledgeBase.Name)));
        var embedding = query.Embedding.ToArray();
        var action = $"searching knowledge base \"{knowledgeBase.Name}\" in collection \"{Collection}\"";
        var points = await _client.CallAsync(
            QdrantCall.Repeatable(action),
            (client, token) => client.QueryAsync(
                Collection,
                query: embedding,
                filter: filter,
                limit: (ulong)query.TopK,
                payloadSelector: new WithPayloadSelector { Enable = true },
                vectorsSelector: new WithVectorsSelector { Enable = false },
                cancellationToken: token),
            cancellationToken).ConfigureAwait(false);

        var hits = new List<VectorSearchResult>(points.Count);
        foreach (var point in points)
        {
            if (QdrantChunkPayload.Read(point.Payload) is not { } chunk)
            {
                throw _client.Failure(
                    VectorStoreErrorKind.Unknown,
                    action,
                    $"found point {Describe(point.Id)} without the chunk_id and document_id Compozy writes; does something else write to this collection?");
            }

            hits.Add(new VectorSearchResult(chunk.ChunkId, QdrantDistances.ScoreOf(knowledgeBase.Metric, point.Score), chunk.Text, chunk.Metadata, chunk.DocumentId));
        }

        return hits;
    }

    private Task<bool> CollectionExistsAsync(CancellationToken cancellationToken) =>
        _client.CallAsync(
            QdrantCall.Repeatable($"checking whether collection \"{Collection}\" exists"),
            (client, token) => client.CollectionExistsAsync(Collection, token),
            cancellationToken);

    private async Task VerifyCollectionAsync(CancellationToken cancellationToken)
    {
        var info = await _client.CallAsync(
            QdrantCall.Repeatable($"reading collection \"{Collection}\""),
            (client, token) => client.GetCollectionInfoAsync(Collection, token),
            cancellationToken).ConfigureAwait(false);
        var shape = QdrantCollectionShape.Read(info.Config?.Params?.VectorsConfig);
        var distance = QdrantDistances.Of(Options.Metric);
        if (!shape.Is(Options.Dimension, distance))
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Mismatch,
                _client.Where,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"collection \"{Collection}\" does not match the entry: expected size {Options.Dimension}, distance {distance} (dimension and metric {StoredNames.Of(Options.Metric)}); found {shape.Describe()}. Point options.collection at another collection, or fix dimension/metric"));
        }
    }

    private async Task CreateCollectionAsync(CancellationToken cancellationToken)
    {
        var distance = QdrantDistances.Of(Options.Metric);
        try
        {
            // Not repeated when its deadline passes: it may have been applied, which the check
            // below finds out instead.
            await _client.CallAsync(
                QdrantCall.Once($"creating collection \"{Collection}\""),
                (client, token) => client.CreateCollectionAsync(Collection, new VectorParams { Size = (ulong)Options.Dimension, Distance = distance }, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
            QdrantLog.CollectionCreated(_logger, Options.DisplayPath, _settings.DisplayUrl, Collection, Options.Dimension, distance);
        }
        catch (VectorStoreException exception) when (exception.Kind is VectorStoreErrorKind.InvalidRequest or VectorStoreErrorKind.Timeout)
        {
            // Another process may have created it since the check (AlreadyExists), or this call
            // did before its deadline passed; then it is verified like any existing collection.
            // Anything else keeps the server's refusal.
            if (!await CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                throw;
            }

            await VerifyCollectionAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeletePointsAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<string> pointIds, CancellationToken cancellationToken)
    {
        foreach (var batch in pointIds.Chunk(_settings.BatchSize))
        {
            await DeleteWhereAsync(
                [QdrantFilters.KnowledgeBase(knowledgeBase.Name), QdrantFilters.HasIds(batch)],
                $"deleting {Count(batch.Length, "chunk")} of knowledge base \"{knowledgeBase.Name}\" from collection \"{Collection}\"",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes the points matching every condition. Deletes by id go through a filter too (with
    /// the knowledge base) so that no delete can reach another knowledge base's points.
    /// </summary>
    private async Task DeleteWhereAsync(IReadOnlyList<Condition> conditions, string action, CancellationToken cancellationToken)
    {
        var filter = QdrantFilters.All(conditions);
        try
        {
            var result = await _client.CallAsync(
                QdrantCall.Repeatable(action),
                (client, token) => client.DeleteAsync(Collection, filter, wait: true, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
            RequireCompleted(result, action);
        }
        catch (VectorStoreException exception) when (exception.Kind == VectorStoreErrorKind.NotFound)
        {
            // No collection, so nothing to delete; a wrong url fails CheckAsync at startup instead.
        }
    }

    /// <summary>Deletes what a failed upsert may have written; returns the failure, or <see langword="null"/> when it worked.</summary>
    private async Task<VectorStoreException?> RollBackAsync(KnowledgeBaseDefinition knowledgeBase, int chunkCount, List<string> pointIds)
    {
        if (pointIds.Count == 0)
        {
            return null;
        }

        QdrantLog.RollingBack(_logger, Options.DisplayPath, _settings.DisplayUrl, chunkCount, knowledgeBase.Name, pointIds.Count);
        try
        {
            // Not the caller's token: a cancelled upsert must still be cleaned up. Each request is
            // bounded by the timeout and retries.
            await DeletePointsAsync(knowledgeBase, pointIds, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (VectorStoreException exception)
        {
            QdrantLog.RollbackFailed(_logger, Options.DisplayPath, _settings.DisplayUrl, pointIds.Count, knowledgeBase.Name, exception.Message);
            return exception;
        }
    }

    private static PointStruct ToPoint(KnowledgeBaseDefinition knowledgeBase, VectorChunk chunk)
    {
        var point = new PointStruct
        {
            Id = new PointId { Uuid = QdrantPointIds.For(knowledgeBase.Name, chunk.Id) },
            Vectors = chunk.Embedding.ToArray(),
        };
        QdrantChunkPayload.Write(point.Payload, knowledgeBase.Name, chunk);
        return point;
    }

    /// <summary>A knowledge base can only live in this collection with the entry's dimension and metric.</summary>
    private void RequireFits(KnowledgeBaseDefinition knowledgeBase)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        if (knowledgeBase.Dimension != Options.Dimension || knowledgeBase.Metric != Options.Metric)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Mismatch,
                _client.Where,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"knowledge base \"{knowledgeBase.Name}\" has dimension {knowledgeBase.Dimension} and metric {StoredNames.Of(knowledgeBase.Metric)}, but {Options.DisplayPath} (collection \"{Collection}\") holds dimension {Options.Dimension} and metric {StoredNames.Of(Options.Metric)}"));
        }
    }

    private void RequireCompleted(UpdateResult result, string action)
    {
        // wait=true makes Qdrant answer once the change is applied; anything else means it is not
        // known to be searchable yet, which the contract does not allow to pass as success.
        if (result?.Status != UpdateStatus.Completed)
        {
            throw _client.Failure(VectorStoreErrorKind.Timeout, action, $"was accepted but not confirmed applied (status {result?.Status.ToString() ?? "missing"}); the server is overloaded");
        }
    }

    private static string Describe(PointId? id) => id?.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Uuid => id.Uuid,
        PointId.PointIdOptionsOneofCase.Num => id.Num.ToString(CultureInfo.InvariantCulture),
        _ => "(no id)",
    };

    /// <summary>Closes the channel to the server.</summary>
    public void Dispose() => _connection.Dispose();

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
