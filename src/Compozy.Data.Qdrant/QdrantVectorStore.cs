using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Qdrant.Rest;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The chunks of every knowledge base of one <c>provider: qdrant</c> entry, in one Qdrant
/// collection (<c>options.collection</c>, default the entry's id) whose single unnamed vector has
/// the entry's dimension and metric. Each point's payload names its knowledge base, document and
/// chunk, and carries the text and metadata; every search and delete filters on the knowledge base.
/// </summary>
internal sealed class QdrantVectorStore : IVectorStore
{
    private static readonly string[] IndexedKeywords = [ChunkPayload.KnowledgeBaseKey, ChunkPayload.DocumentIdKey];

    private readonly QdrantStoreSettings _settings;
    private readonly QdrantRestClient _client;
    private readonly ILogger _logger;
    private readonly string _collectionPath;

    public QdrantVectorStore(VectorDatabaseOptions options, QdrantStoreSettings settings, Func<HttpClient> createClient, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        Options = options;
        _settings = settings;
        _logger = logger;
        _client = new QdrantRestClient(options, settings, createClient, timeProvider, logger);
        _collectionPath = $"collections/{Uri.EscapeDataString(settings.Collection)}";
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
            var result = await _client.SendAsync(
                QdrantRequest.Json(
                    HttpMethod.Put,
                    $"{_collectionPath}/index?wait=true",
                    new CreateFieldIndexBody { FieldName = field, FieldSchema = "keyword" },
                    QdrantJsonContext.Default.CreateFieldIndexBody,
                    $"creating the keyword index on {field} in collection \"{Collection}\""),
                QdrantJsonContext.Default.QdrantEnvelopeUpdateResultBody,
                cancellationToken).ConfigureAwait(false);
            RequireCompleted(result, $"creating the keyword index on {field} in collection \"{Collection}\"");
        }
    }

    /// <inheritdoc />
    public async Task UpsertChunksAsync(KnowledgeBaseDefinition knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken)
    {
        RequireFits(knowledgeBase);
        ArgumentNullException.ThrowIfNull(chunks);
        var points = chunks.Select(chunk => ToPoint(knowledgeBase, chunk)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var batches = points.Chunk(_settings.BatchSize).ToList();
        var written = new List<string>();
        for (var index = 0; index < batches.Count; index++)
        {
            var batch = batches[index];
            var action = batches.Count == 1
                ? $"writing {Count(batch.Length, "chunk")} of knowledge base \"{knowledgeBase.Name}\" to collection \"{Collection}\""
                : $"writing batch {index + 1} of {batches.Count} ({Count(batch.Length, "chunk")}) of knowledge base \"{knowledgeBase.Name}\" to collection \"{Collection}\"";
            try
            {
                var result = await _client.SendAsync(
                    QdrantRequest.Json(HttpMethod.Put, $"{_collectionPath}/points?wait=true", new UpsertPointsBody { Points = batch }, QdrantJsonContext.Default.UpsertPointsBody, action),
                    QdrantJsonContext.Default.QdrantEnvelopeUpdateResultBody,
                    cancellationToken).ConfigureAwait(false);
                RequireCompleted(result, action);
                written.AddRange(batch.Select(point => point.Id));
            }
            catch (Exception exception) when (exception is VectorStoreException or OperationCanceledException)
            {
                // A refused request wrote nothing; after a timeout, a 5xx, a broken connection or a
                // cancellation the batch may have landed, so it is removed with the earlier ones.
                var uncertain = exception is OperationCanceledException
                    || (exception is VectorStoreException { Kind: not (VectorStoreErrorKind.InvalidRequest or VectorStoreErrorKind.Unauthorized or VectorStoreErrorKind.NotFound or VectorStoreErrorKind.Throttled) });
                var toRemove = uncertain ? [.. written, .. batch.Select(point => point.Id)] : written;
                var rollbackFailure = await RollBackAsync(knowledgeBase, points.Count, toRemove).ConfigureAwait(false);
                if (rollbackFailure is not null && exception is VectorStoreException failure)
                {
                    throw new VectorStoreException(
                        failure.Kind,
                        $"{failure.Message}; removing the {Count(toRemove.Count, "point")} that may have been written failed too, so they stay searchable until written again or deleted ({rollbackFailure.Message})",
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
        RequireEmbedding(knowledgeBase, query.Embedding, "the query");
        if (query.TopK < 1 || query.TopK > Options.MaxTopK)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                string.Create(CultureInfo.InvariantCulture, $"top_k {query.TopK} is out of range; allowed: 1 to {Options.MaxTopK} (options.max_top_k of {Options.DisplayPath})"));
        }

        List<ConditionBody> conditions = [QdrantFilters.KnowledgeBase(knowledgeBase.Name)];
        conditions.AddRange(query.Filter.Select(pair => QdrantFilters.Metadata(pair.Key, pair.Value)));
        var action = $"searching knowledge base \"{knowledgeBase.Name}\" in collection \"{Collection}\"";
        var result = await _client.SendAsync(
            QdrantRequest.Json(
                HttpMethod.Post,
                $"{_collectionPath}/points/query",
                new QueryBody { Query = query.Embedding.ToArray(), Filter = new FilterBody { Must = conditions }, Limit = query.TopK, WithPayload = true },
                QdrantJsonContext.Default.QueryBody,
                action),
            QdrantJsonContext.Default.QdrantEnvelopeQueryResult,
            cancellationToken).ConfigureAwait(false);

        var hits = new List<VectorSearchResult>(result.Points?.Count ?? 0);
        foreach (var point in result.Points ?? [])
        {
            if (point.Payload is not { ChunkId: { } chunkId, DocumentId: { } documentId } payload)
            {
                throw _client.Failure(
                    VectorStoreErrorKind.Unknown,
                    action,
                    $"found point {point.Id.GetRawText()} without the chunk_id and document_id Compozy writes; does something else write to this collection?");
            }

            hits.Add(new VectorSearchResult(
                chunkId,
                QdrantDistances.ScoreOf(knowledgeBase.Metric, point.Score),
                payload.Text ?? string.Empty,
                payload.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata : null,
                documentId));
        }

        return hits;
    }

    private async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken)
    {
        var result = await _client.SendAsync(
            QdrantRequest.Get($"{_collectionPath}/exists", $"checking whether collection \"{Collection}\" exists"),
            QdrantJsonContext.Default.QdrantEnvelopeCollectionExistenceResult,
            cancellationToken).ConfigureAwait(false);
        return result.Exists;
    }

    private async Task VerifyCollectionAsync(CancellationToken cancellationToken)
    {
        var info = await _client.SendAsync(
            QdrantRequest.Get(_collectionPath, $"reading collection \"{Collection}\""),
            QdrantJsonContext.Default.QdrantEnvelopeCollectionInfoResult,
            cancellationToken).ConfigureAwait(false);
        var shape = QdrantCollectionShape.Read(info.Config?.Params?.Vectors);
        var distance = QdrantDistances.NameOf(Options.Metric);
        if (shape.NamedVectors.Count > 0 || shape.Size != Options.Dimension || !string.Equals(shape.Distance, distance, StringComparison.Ordinal))
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Mismatch,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_client.Where}: collection \"{Collection}\" does not match the entry: expected size {Options.Dimension}, distance {distance} (dimension and metric {StoredNames.Of(Options.Metric)}); found {shape.Describe()}. Point options.collection at another collection, or fix dimension/metric"));
        }
    }

    private async Task CreateCollectionAsync(CancellationToken cancellationToken)
    {
        var distance = QdrantDistances.NameOf(Options.Metric);
        try
        {
            await _client.SendAsync(
                QdrantRequest.Json(
                    HttpMethod.Put,
                    _collectionPath,
                    new CreateCollectionBody { Vectors = new VectorParamsBody { Size = Options.Dimension, Distance = distance } },
                    QdrantJsonContext.Default.CreateCollectionBody,
                    $"creating collection \"{Collection}\""),
                QdrantJsonContext.Default.QdrantEnvelopeBoolean,
                cancellationToken).ConfigureAwait(false);
            QdrantLog.CollectionCreated(_logger, Options.DisplayPath, _settings.DisplayUrl, Collection, Options.Dimension, distance);
        }
        catch (VectorStoreException exception) when (exception.Kind == VectorStoreErrorKind.InvalidRequest)
        {
            // Another process (or a retried request) may have created it since the check; then it
            // is verified like any existing collection. Anything else keeps the server's refusal.
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

    private async Task DeleteWhereAsync(IReadOnlyList<ConditionBody> conditions, string action, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _client.SendAsync(
                QdrantRequest.Json(
                    HttpMethod.Post,
                    $"{_collectionPath}/points/delete?wait=true",
                    new DeletePointsBody { Filter = new FilterBody { Must = conditions } },
                    QdrantJsonContext.Default.DeletePointsBody,
                    action),
                QdrantJsonContext.Default.QdrantEnvelopeUpdateResultBody,
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

    private static PointBody ToPoint(KnowledgeBaseDefinition knowledgeBase, VectorChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (string.IsNullOrEmpty(chunk.Id) || string.IsNullOrEmpty(chunk.DocumentId))
        {
            throw new VectorStoreException(VectorStoreErrorKind.InvalidRequest, $"a chunk of knowledge base \"{knowledgeBase.Name}\" has an empty id or document id");
        }

        RequireEmbedding(knowledgeBase, chunk.Embedding, $"chunk \"{chunk.Id}\"");
        if (chunk.Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } metadata)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                $"the metadata of chunk \"{chunk.Id}\" is {metadata.ValueKind.ToString().ToLowerInvariant()}; it must be a JSON object");
        }

        return new PointBody
        {
            Id = QdrantPointIds.For(knowledgeBase.Name, chunk.Id),
            Vector = chunk.Embedding.ToArray(),
            Payload = new ChunkPayload
            {
                KnowledgeBase = knowledgeBase.Name,
                DocumentId = chunk.DocumentId,
                ChunkId = chunk.Id,
                Text = chunk.Text,
                Metadata = chunk.Metadata is { ValueKind: JsonValueKind.Object } objectMetadata ? objectMetadata : null,
            },
        };
    }

    /// <summary>A knowledge base can only live in this collection with the entry's dimension and metric.</summary>
    private void RequireFits(KnowledgeBaseDefinition knowledgeBase)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        if (knowledgeBase.Dimension != Options.Dimension || knowledgeBase.Metric != Options.Metric)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Mismatch,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"knowledge base \"{knowledgeBase.Name}\" has dimension {knowledgeBase.Dimension} and metric {StoredNames.Of(knowledgeBase.Metric)}, but {Options.DisplayPath} (collection \"{Collection}\") holds dimension {Options.Dimension} and metric {StoredNames.Of(Options.Metric)}"));
        }
    }

    private static void RequireEmbedding(KnowledgeBaseDefinition knowledgeBase, ReadOnlyMemory<float> embedding, string what)
    {
        if (embedding.Length != knowledgeBase.Dimension)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                string.Create(CultureInfo.InvariantCulture, $"the embedding of {what} has {embedding.Length} values; knowledge base \"{knowledgeBase.Name}\" needs {knowledgeBase.Dimension}"));
        }

        var span = embedding.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new VectorStoreException(
                    VectorStoreErrorKind.InvalidRequest,
                    string.Create(CultureInfo.InvariantCulture, $"the embedding of {what} has {span[i]} at position {i}; every value must be finite"));
            }
        }
    }

    private void RequireCompleted(UpdateResultBody result, string action)
    {
        // wait=true makes Qdrant answer once the change is applied; anything else means it is not
        // known to be searchable yet, which the contract does not allow to pass as success.
        if (!string.Equals(result.Status, UpdateResultBody.Completed, StringComparison.Ordinal))
        {
            throw _client.Failure(VectorStoreErrorKind.Timeout, action, $"was accepted but not confirmed applied (status {result.Status ?? "missing"}); the server is overloaded");
        }
    }

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
