using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Knowledge;

/// <inheritdoc cref="IKnowledgeStore"/>
internal sealed class KnowledgeStore(
    StoreReads reads,
    StoreWrites writes,
    VectorStoreRegistry stores,
    TimeProvider clock,
    StoreErrors errors) : IKnowledgeStore
{
    public async Task<(KnowledgeBase KnowledgeBase, bool Created)> PutKnowledgeBaseAsync(KnowledgeBaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new RequestProblems();
        KnowledgeRequestRules.CheckName(problems, "name", request.Name);
        var entry = request.VectorDbId is null ? stores.DefaultEntry("vector_db") : stores.Entry(request.VectorDbId, "vector_db");
        var metric = request.Metric ?? entry.Metric;
        var maxDimension = stores.MaxDimension(entry);
        if (request.Dimension < 1 || request.Dimension > maxDimension)
        {
            var whose = maxDimension < KnowledgeLimits.MaxDimension ? $" with the {entry.Provider} vector database \"{entry.Id}\" ({entry.DisplayPath})" : string.Empty;
            problems.Add("dimension", $"is {request.Dimension}; allowed: an integer from 1 to {maxDimension}{whose}");
        }
        else if (entry.Dimension > 0 && entry.Dimension != request.Dimension)
        {
            problems.Add("dimension", $"is {request.Dimension}, but the vector database \"{entry.Id}\" ({entry.DisplayPath}) holds embeddings of dimension {entry.Dimension}");
        }

        if (!entry.IsDefault && metric != entry.Metric)
        {
            problems.Add("metric", $"is {StoredNames.Of(metric)}, but the vector database \"{entry.Id}\" compares by {StoredNames.Of(entry.Metric)}");
        }

        problems.ThrowIfAny();

        var existing = await FindAsync(request.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.Dimension != request.Dimension || existing.Metric != metric || existing.VectorDbId != entry.Id)
            {
                throw CompozyDataException.Conflict(
                    $"knowledge base '{request.Name}' exists with dimension {existing.Dimension}, metric {StoredNames.Of(existing.Metric)} and vector database \"{existing.VectorDbId}\"; " +
                    "these cannot change: delete it and create it again, or use another name");
            }

            return (existing, false);
        }

        var definition = new KnowledgeBaseDefinition(request.Name, entry.Id, request.Dimension, metric);
        await stores.Store(entry.Id).EnsureKnowledgeBaseAsync(definition, cancellationToken).ConfigureAwait(false);
        var created = await writes.RunAsync(
            "create knowledge base",
            async (context, inner) =>
                {
                    // A concurrent PUT of the same name may have won; answer as it would have.
                    if (await context.KnowledgeBases.AsNoTracking().SingleOrDefaultAsync(knowledgeBase => knowledgeBase.Name == request.Name, inner).ConfigureAwait(false) is { } raced)
                    {
                        return (raced, false);
                    }

                    var now = clock.GetUtcNow().UtcDateTime;
                    var knowledgeBase = new KnowledgeBase
                    {
                        Name = request.Name,
                        VectorDbId = entry.Id,
                        Dimension = request.Dimension,
                        Metric = metric,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    context.KnowledgeBases.Add(knowledgeBase);
                    return (knowledgeBase, true);
                },
            cancellationToken).ConfigureAwait(false);
        return created;
    }

    public async Task<KnowledgeBase> GetKnowledgeBaseAsync(string name, CancellationToken cancellationToken = default) =>
        await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw CompozyDataException.NotFound("knowledge base", name);

    public Task<IReadOnlyList<KnowledgeBase>> ListKnowledgeBasesAsync(CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<KnowledgeBase>>(
            "list knowledge bases",
            async (context, token) => await context.KnowledgeBases.AsNoTracking().OrderBy(knowledgeBase => knowledgeBase.Name).ToListAsync(token).ConfigureAwait(false),
            cancellationToken);

    public async Task DeleteKnowledgeBaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var (knowledgeBase, store) = await ResolveAsync(name, cancellationToken).ConfigureAwait(false);

        // The store first: a failure there leaves the knowledge base listed, so the delete can be repeated.
        await store.DeleteKnowledgeBaseAsync(Definition(knowledgeBase), cancellationToken).ConfigureAwait(false);
        await writes.RunAsync(
            "delete knowledge base",
            (context, token) => context.KnowledgeBases.Where(candidate => candidate.Name == name).ExecuteDeleteAsync(token),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> UpsertChunksAsync(string knowledgeBase, IReadOnlyList<VectorChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var (stored, store) = await ResolveAsync(knowledgeBase, cancellationToken).ConfigureAwait(false);
        var problems = new RequestProblems();
        if (chunks.Count == 0 || chunks.Count > KnowledgeLimits.MaxChunksPerWrite)
        {
            problems.Add("chunks", $"has {chunks.Count} chunks; allowed: 1 to {KnowledgeLimits.MaxChunksPerWrite} per request");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < chunks.Count; index++)
        {
            var chunk = chunks[index];
            var field = $"chunks[{index}]";
            KnowledgeRequestRules.CheckId(problems, $"{field}.id", chunk.Id);
            KnowledgeRequestRules.CheckId(problems, $"{field}.document_id", chunk.DocumentId);
            if (chunk.Text is null)
            {
                problems.Add($"{field}.text", "is required");
            }
            else if (StoredJson.TextProblem(chunk.Text) is { } textProblem)
            {
                problems.Add($"{field}.text", textProblem);
            }

            KnowledgeRequestRules.CheckEmbedding(problems, $"{field}.embedding", chunk.Embedding.Span, stored.Dimension);
            KnowledgeRequestRules.CheckMetadata(problems, $"{field}.metadata", chunk.Metadata);
            if (chunk.Id is not null && !seen.Add(chunk.Id))
            {
                problems.Add($"{field}.id", $"\"{chunk.Id}\" appears more than once in the request");
            }
        }

        problems.ThrowIfAny();
        await errors.MeasureAsync("upsert chunks", $"{chunks.Count} chunks", async () =>
        {
            await store.UpsertChunksAsync(Definition(stored), chunks, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        return chunks.Count;
    }

    public async Task<int?> DeleteChunksAsync(string knowledgeBase, IReadOnlyList<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        var (stored, store) = await ResolveAsync(knowledgeBase, cancellationToken).ConfigureAwait(false);
        var problems = new RequestProblems();
        if (chunkIds.Count == 0 || chunkIds.Count > KnowledgeLimits.MaxChunksPerWrite)
        {
            problems.Add("ids", $"has {chunkIds.Count} ids; allowed: 1 to {KnowledgeLimits.MaxChunksPerWrite} per request");
        }

        for (var index = 0; index < chunkIds.Count; index++)
        {
            KnowledgeRequestRules.CheckId(problems, $"ids[{index}]", chunkIds[index]);
        }

        problems.ThrowIfAny();
        return await errors.MeasureAsync("delete chunks", $"{chunkIds.Count} ids", () => store.DeleteChunksAsync(Definition(stored), chunkIds, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<int?> DeleteDocumentAsync(string knowledgeBase, string documentId, CancellationToken cancellationToken = default)
    {
        var (stored, store) = await ResolveAsync(knowledgeBase, cancellationToken).ConfigureAwait(false);
        var problems = new RequestProblems();
        KnowledgeRequestRules.CheckId(problems, "document_id", documentId);
        problems.ThrowIfAny();
        return await errors.MeasureAsync("delete document", null, () => store.DeleteDocumentAsync(Definition(stored), documentId, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<VectorSearchResult>> SearchAsync(string knowledgeBase, VectorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (stored, store) = await ResolveAsync(knowledgeBase, cancellationToken).ConfigureAwait(false);
        var entry = stores.Entry(stored.VectorDbId, "vector_db");
        var problems = new RequestProblems();
        KnowledgeRequestRules.CheckEmbedding(problems, "embedding", query.Embedding.Span, stored.Dimension);
        if (VectorStoreInput.TopKProblem(query.TopK, entry) is { } topK)
        {
            problems.Add("top_k", topK);
        }

        KnowledgeRequestRules.CheckFilter(problems, query.Filter);
        problems.ThrowIfAny();
        return await errors.MeasureAsync(
            "search knowledge base",
            string.Create(CultureInfo.InvariantCulture, $"top_k {query.TopK}, {query.Filter.Count} filter keys"),
            () => store.SearchAsync(Definition(stored), query, cancellationToken)).ConfigureAwait(false);
    }

    private static KnowledgeBaseDefinition Definition(KnowledgeBase knowledgeBase) =>
        new(knowledgeBase.Name, knowledgeBase.VectorDbId, knowledgeBase.Dimension, knowledgeBase.Metric);

    private async Task<(KnowledgeBase KnowledgeBase, IVectorStore Store)> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var knowledgeBase = await GetKnowledgeBaseAsync(name, cancellationToken).ConfigureAwait(false);
        return (knowledgeBase, stores.Store(knowledgeBase.VectorDbId));
    }

    private Task<KnowledgeBase?> FindAsync(string name, CancellationToken cancellationToken) =>
        reads.RunAsync(
            "get knowledge base",
            (context, token) => context.KnowledgeBases.AsNoTracking().SingleOrDefaultAsync(knowledgeBase => knowledgeBase.Name == name, token),
            cancellationToken);
}
