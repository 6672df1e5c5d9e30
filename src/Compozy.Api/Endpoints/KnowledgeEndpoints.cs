using System.Text.Json;
using Compozy.Api.Errors;
using Compozy.Api.OpenApi;
using Compozy.Api.Requests;
using Compozy.Api.Requests.Bodies;
using Compozy.Api.Responses;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Compozy.Api.Endpoints;

/// <summary><c>/api/v0/knowledge</c>: knowledge bases, their chunks, and search.</summary>
internal static class KnowledgeEndpoints
{
    private const string Path = "/knowledge";

    /// <summary>What the vector database behind a knowledge base can answer besides the database's own problems.</summary>
    private static readonly ProblemCode[] VectorStoreProblems =
        [ProblemCode.NotFound, ProblemCode.VectorStoreMismatch, ProblemCode.VectorStoreError, ProblemCode.VectorStoreUnavailable, ProblemCode.DiskFull];

    public static void Map(IEndpointRouteBuilder api)
    {
        var knowledge = api.MapGroup(Path).WithTags("Knowledge");
        knowledge.MapGet("/", ListAsync)
            .WithSummary("List every knowledge base");
        knowledge.MapPut("/{kb}", PutAsync).ReadsBody<KnowledgeBaseBody>().Answers(VectorStoreProblems).Answers(ProblemCode.Conflict)
            .WithSummary("Create a knowledge base, or find it as asked");
        knowledge.MapGet("/{kb}", GetAsync).Answers(ProblemCode.NotFound)
            .WithSummary("Read a knowledge base");
        knowledge.MapDelete("/{kb}", DeleteAsync).Answers(VectorStoreProblems)
            .WithSummary("Delete a knowledge base and its chunks");
        knowledge.MapPost("/{kb}/chunks", UpsertChunksAsync).ReadsBody<ChunksBody>().Answers(VectorStoreProblems)
            .WithSummary("Write chunks with their embeddings");
        knowledge.MapDelete("/{kb}/chunks", DeleteChunksAsync).ReadsBody<ChunkIdsBody>().Answers(VectorStoreProblems)
            .WithSummary("Delete chunks by id");
        knowledge.MapDelete("/{kb}/documents/{document_id}", DeleteDocumentAsync).Answers(VectorStoreProblems)
            .WithSummary("Delete a document's chunks");
        knowledge.MapPost("/{kb}/search", SearchAsync).ReadsBody<SearchBody>().Answers(VectorStoreProblems)
            .WithSummary("Find the chunks most similar to an embedding");
    }

    private static async Task<Ok<ItemsResponse<KnowledgeBaseResponse>>> ListAsync(IKnowledgeStore knowledge, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ItemsResponse<KnowledgeBaseResponse>((await knowledge.ListKnowledgeBasesAsync(cancellationToken).ConfigureAwait(false)).Select(KnowledgeBaseResponse.From).ToList()));

    private static async Task<Results<Created<KnowledgeBaseResponse>, Ok<KnowledgeBaseResponse>>> PutAsync(
        string kb, HttpRequest request, IKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var dimension = body.WholeNumber("dimension", required: true, min: 1, max: KnowledgeLimits.MaxDimension);
        var metric = body.Enum<VectorMetric>("metric");
        var vectorDb = body.Id("vector_db");
        body.Complete();
        var (stored, created) = await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest(kb, dimension!.Value, metric, vectorDb), cancellationToken).ConfigureAwait(false);
        var response = KnowledgeBaseResponse.From(stored);
        return created
            ? TypedResults.Created($"{ApiEndpoints.Prefix}{Path}/{Uri.EscapeDataString(kb)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<KnowledgeBaseResponse>> GetAsync(string kb, IKnowledgeStore knowledge, CancellationToken cancellationToken) =>
        TypedResults.Ok(KnowledgeBaseResponse.From(await knowledge.GetKnowledgeBaseAsync(kb, cancellationToken).ConfigureAwait(false)));

    private static async Task<NoContent> DeleteAsync(string kb, IKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        await knowledge.DeleteKnowledgeBaseAsync(kb, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<WrittenResponse>> UpsertChunksAsync(string kb, HttpRequest request, IKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var array = body.Array("chunks", required: true);
        body.Complete();
        var problems = new RequestProblems();
        var chunks = new List<VectorChunk>();
        var index = 0;
        foreach (var item in array!.Value.EnumerateArray())
        {
            chunks.Add(ReadChunk(problems, $"chunks[{index++}]", item));
        }

        problems.ThrowIfAny();
        var written = await knowledge.UpsertChunksAsync(kb, chunks, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new WrittenResponse(written));
    }

    private static async Task<Ok<DeletedResponse>> DeleteChunksAsync(string kb, HttpRequest request, IKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var array = body.Array("ids", required: true);
        body.Complete();
        var ids = new List<string>();
        var problems = new RequestProblems();
        var index = 0;
        foreach (var item in array!.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                ids.Add(item.GetString()!);
            }
            else
            {
                problems.Add($"ids[{index}]", $"must be a string, not {JsonRequest.Describe(item.ValueKind)}");
            }

            index++;
        }

        problems.ThrowIfAny();
        return TypedResults.Ok(new DeletedResponse(await knowledge.DeleteChunksAsync(kb, ids, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Ok<DeletedResponse>> DeleteDocumentAsync(
        string kb, [FromRoute(Name = "document_id")] string documentId, IKnowledgeStore knowledge, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DeletedResponse(await knowledge.DeleteDocumentAsync(kb, documentId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<SearchResponse>> SearchAsync(string kb, HttpRequest request, IKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var body = await JsonRequest.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var embedding = body.Floats("embedding", required: true);
        // The vector database's own limit is checked, and named, by the knowledge store.
        var topK = body.WholeNumber("top_k", allowed: "an integer from 1 to the vector database's options.max_top_k (default 100)") ?? 10;
        var filter = body.Mapping("filter");
        body.Complete();
        var filters = filter?.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone(), StringComparer.Ordinal)
            ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var results = await knowledge.SearchAsync(kb, new VectorQuery(embedding!, topK, filters), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new SearchResponse(results.Select(SearchResultResponse.From).ToList()));
    }

    private static VectorChunk ReadChunk(RequestProblems problems, string field, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add(field, $"must be an object with id, document_id, text, embedding and metadata, not {JsonRequest.Describe(item.ValueKind)}");
            return new VectorChunk(string.Empty, string.Empty, string.Empty, ReadOnlyMemory<float>.Empty, null);
        }

        string? Text(string name)
        {
            if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            problems.Add($"{field}.{name}", $"must be a string, not {JsonRequest.Describe(value.ValueKind)}");
            return null;
        }

        string[] known = ["id", "document_id", "text", "embedding", "metadata"];
        foreach (var property in item.EnumerateObject().Where(property => !known.Contains(property.Name)))
        {
            problems.Add($"{field}.{property.Name}", $"is not a field of a chunk; allowed: {string.Join(", ", known)}");
        }

        float[]? embedding = null;
        if (!item.TryGetProperty("embedding", out var vector) || vector.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{field}.embedding", "is required");
        }
        else
        {
            embedding = JsonRequest.ReadFloats(problems, $"{field}.embedding", vector);
        }

        var text = Text("text");
        if (text is null && !(item.TryGetProperty("text", out var given) && given.ValueKind != JsonValueKind.Null))
        {
            problems.Add($"{field}.text", "is required");
        }

        JsonElement? metadata = item.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null ? meta.Clone() : null;
        return new VectorChunk(Text("id") ?? string.Empty, Text("document_id") ?? string.Empty, text ?? string.Empty, embedding ?? ReadOnlyMemory<float>.Empty, metadata);
    }
}
