using System.Text.Json;
using System.Text.Json.Nodes;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Compozy.Data.Qdrant.Rest;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// The Qdrant client against Qdrant's published OpenAPI contract (v1.19), without a server: every
/// request it sends must use an operation of the spec, with parameters the operation defines and
/// a body its request schema accepts; every answer it reads is built from the operation's
/// response schema.
/// </summary>
public sealed class QdrantContractTests
{
    private static readonly QdrantOpenApi Spec = QdrantOpenApi.Instance;

    [Fact]
    public async Task Creating_a_knowledge_base_on_a_new_collection_sends_requests_the_spec_defines()
    {
        using var server = new QdrantContractServer();
        server.Enqueue("collection_exists", new QdrantCannedAnswer(Shape: body => body["result"]!["exists"] = false));
        var entry = QdrantTestStores.Entry(dimension: 4, metric: VectorMetric.Dot);
        var store = QdrantTestStores.Store(entry, server);

        await store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        server.Requests.Select(request => request.OperationId)
            .ShouldBe(["collection_exists", "create_collection", "create_field_index", "create_field_index"]);
        var create = server.RequestsOf("create_collection").Single();
        create.Path.ShouldBe("/collections/docs");
        create.Json.GetProperty("vectors").GetProperty("size").GetInt32().ShouldBe(4);
        create.Json.GetProperty("vectors").GetProperty("distance").GetString().ShouldBe("Dot");
        server.RequestsOf("create_field_index")
            .Select(request => (request.Json.GetProperty("field_name").GetString(), request.Json.GetProperty("field_schema").GetString()))
            .ShouldBe([("knowledge_base", "keyword"), ("document_id", "keyword")]);
    }

    [Fact]
    public async Task An_existing_collection_read_from_a_spec_built_CollectionInfo_is_accepted_when_it_matches()
    {
        using var server = new QdrantContractServer(size: 4, distance: "Euclid");
        var entry = QdrantTestStores.Entry(dimension: 4, metric: VectorMetric.L2);
        var store = QdrantTestStores.Store(entry, server);

        await store.CheckAsync(CancellationToken.None);
        await store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        server.RequestsOf("get_collection").Count.ShouldBe(2);
        server.RequestsOf("create_collection").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_collection_with_another_size_or_distance_is_a_mismatch_naming_entry_collection_and_both_shapes()
    {
        using var server = new QdrantContractServer(size: 768, distance: "Dot");
        var entry = QdrantTestStores.Entry(dimension: 4, metric: VectorMetric.Cosine, collection: "shared-chunks");
        var store = QdrantTestStores.Store(entry, server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        failure.Message.ShouldContain("knowledge.vector_dbs[1]");
        failure.Message.ShouldContain("\"shared-chunks\"");
        failure.Message.ShouldContain("expected size 4, distance Cosine");
        failure.Message.ShouldContain("found size 768, distance Dot");
        server.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_collection_with_named_vectors_is_a_mismatch()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("get_collection", new QdrantCannedAnswer(Shape: body =>
            body["result"]!["config"]!["params"]!["vectors"] = new JsonObject { ["text"] = new JsonObject { ["size"] = 4, ["distance"] = "Cosine" } }));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        failure.Message.ShouldContain("named vectors (text)");
    }

    [Fact]
    public async Task Upserting_sends_a_PointsList_with_uuid_ids_and_the_chunk_payload()
    {
        using var server = new QdrantContractServer();
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1", metadataJson: """{"lang":"en","page":3}"""), QdrantTestStores.Chunk("c-2")], CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        var upsert = server.RequestsOf("upsert_points").Single();
        upsert.Query.ShouldContain(KeyValuePair.Create("wait", "true"));
        var points = upsert.Json.GetProperty("points").EnumerateArray().ToList();
        points.Count.ShouldBe(2);
        points[0].GetProperty("id").GetString().ShouldBe(QdrantPointIds.For("handbook", "c-1"));
        points[0].GetProperty("vector").GetArrayLength().ShouldBe(4);
        var payload = points[0].GetProperty("payload");
        payload.GetProperty("knowledge_base").GetString().ShouldBe("handbook");
        payload.GetProperty("document_id").GetString().ShouldBe("doc-1");
        payload.GetProperty("chunk_id").GetString().ShouldBe("c-1");
        payload.GetProperty("text").GetString().ShouldBe("text of c-1");
        payload.GetProperty("metadata").GetProperty("page").GetInt32().ShouldBe(3);
        points[1].GetProperty("payload").TryGetProperty("metadata", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Deleting_chunks_documents_and_knowledge_bases_sends_filters_on_the_knowledge_base()
    {
        using var server = new QdrantContractServer();
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        (await store.DeleteChunksAsync(kb, ["c-1", "c-2"], CancellationToken.None)).ShouldBeNull();
        (await store.DeleteDocumentAsync(kb, "doc-9", CancellationToken.None)).ShouldBeNull();
        await store.DeleteKnowledgeBaseAsync(kb, CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        var deletes = server.RequestsOf("delete_points");
        deletes.Count.ShouldBe(3);
        foreach (var delete in deletes)
        {
            var first = delete.Json.GetProperty("filter").GetProperty("must")[0];
            first.GetProperty("key").GetString().ShouldBe("knowledge_base");
            first.GetProperty("match").GetProperty("value").GetString().ShouldBe("handbook");
        }

        deletes[0].Json.GetProperty("filter").GetProperty("must")[1].GetProperty("has_id").EnumerateArray().Select(id => id.GetString())
            .ShouldBe([QdrantPointIds.For("handbook", "c-1"), QdrantPointIds.For("handbook", "c-2")]);
        deletes[1].Json.GetProperty("filter").GetProperty("must")[1].GetProperty("key").GetString().ShouldBe("document_id");
        deletes[2].Json.GetProperty("filter").GetProperty("must").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Searching_sends_a_QueryRequest_and_reads_a_spec_built_QueryResponse()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("query_points", new QdrantCannedAnswer(Shape: body =>
        {
            var point = body["result"]!["points"]![0]!;
            point["score"] = 0.875;
            point["payload"] = new JsonObject
            {
                ["knowledge_base"] = "handbook",
                ["document_id"] = "doc-1",
                ["chunk_id"] = "c-1",
                ["text"] = "the text",
                ["metadata"] = new JsonObject { ["lang"] = "en" },
            };
        }));
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);
        var filter = new Dictionary<string, JsonElement>
        {
            ["lang"] = JsonSerializer.SerializeToElement("en"),
            ["page"] = JsonSerializer.SerializeToElement(3),
            ["draft"] = JsonSerializer.SerializeToElement(false),
            ["a.b"] = JsonSerializer.SerializeToElement("dotted"),
        };

        var hits = await store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(topK: 7, filter: filter), CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        var query = server.RequestsOf("query_points").Single().Json;
        query.GetProperty("limit").GetInt32().ShouldBe(7);
        query.GetProperty("with_payload").GetBoolean().ShouldBeTrue();
        query.GetProperty("query").GetArrayLength().ShouldBe(4);
        var must = query.GetProperty("filter").GetProperty("must").EnumerateArray().ToList();
        must.Select(condition => condition.GetProperty("key").GetString())
            .ShouldBe(["knowledge_base", "metadata.lang", "metadata.page", "metadata.draft", "metadata.\"a.b\""]);
        must[2].GetProperty("range").GetProperty("gte").GetDouble().ShouldBe(3);
        must[3].GetProperty("match").GetProperty("value").GetBoolean().ShouldBeFalse();

        var hit = hits.ShouldHaveSingleItem();
        hit.Id.ShouldBe("c-1");
        hit.DocumentId.ShouldBe("doc-1");
        hit.Text.ShouldBe("the text");
        hit.Score.ShouldBe(0.875);
        hit.Metadata!.Value.GetProperty("lang").GetString().ShouldBe("en");
    }

    [Fact]
    public async Task An_ErrorResponse_built_from_the_spec_becomes_InvalidRequest_with_Qdrants_error_text()
    {
        using var server = new QdrantContractServer();
        server.Enqueue("upsert_points", QdrantCannedAnswer.Error(400, "Wrong input: Vector dimension error: expected dim: 4, got 3"));
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(QdrantTestStores.KnowledgeBase(entry), [QdrantTestStores.Chunk("c-1")], CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain("Wrong input: Vector dimension error: expected dim: 4, got 3");
        failure.Message.ShouldContain("HTTP 400");
        server.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_cycle_uses_only_operations_of_the_spec_and_not_the_removed_search_endpoint()
    {
        using var server = new QdrantContractServer();

        // Asked twice before the collection exists: by the startup check, then by the first knowledge base.
        server.Enqueue("collection_exists", new QdrantCannedAnswer(Shape: body => body["result"]!["exists"] = false));
        server.Enqueue("collection_exists", new QdrantCannedAnswer(Shape: body => body["result"]!["exists"] = false));
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        await store.CheckAsync(CancellationToken.None);
        await store.EnsureKnowledgeBaseAsync(kb, CancellationToken.None);
        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1")], CancellationToken.None);
        await store.SearchAsync(kb, QdrantTestStores.Query(), CancellationToken.None);
        await store.DeleteChunksAsync(kb, ["c-1"], CancellationToken.None);
        await store.DeleteDocumentAsync(kb, "doc-1", CancellationToken.None);
        await store.DeleteKnowledgeBaseAsync(kb, CancellationToken.None);

        server.AllViolations().ShouldBeEmpty();
        server.Requests.Select(request => $"{request.Operation!.Method} {request.Operation.Template}").Distinct().Order(StringComparer.Ordinal).ShouldBe(
        [
            "GET /collections/{collection_name}/exists",
            "POST /collections/{collection_name}/points/delete",
            "POST /collections/{collection_name}/points/query",
            "PUT /collections/{collection_name}",
            "PUT /collections/{collection_name}/index",
            "PUT /collections/{collection_name}/points",
        ]);
        Spec.Operations().ShouldNotContain(("POST", "/collections/{collection_name}/points/search"));
    }

    [Fact]
    public async Task The_api_key_travels_in_the_header_the_specs_security_scheme_names()
    {
        using var server = new QdrantContractServer();
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server);

        await store.CheckAsync(CancellationToken.None);

        Spec.ApiKeyHeader.ShouldBe(QdrantRestClient.ApiKeyHeader);
        server.Requests.ShouldAllBe(request => request.Headers[Spec.ApiKeyHeader] == QdrantTestStores.ApiKey);
    }

    [Fact]
    public void The_client_DTOs_read_a_spec_valid_example_of_every_answer_they_parse()
    {
        var examples = new QdrantSchemaExamples(Spec);
        var validator = new QdrantSchemaValidator(Spec);
        JsonElement ExampleOf(string operationId, string method, string path)
        {
            var operation = Spec.FindOperation(new HttpMethod(method), path).ShouldNotBeNull();
            operation.OperationId.ShouldBe(operationId);
            var schema = operation.ResponseSchema("200");
            var json = JsonSerializer.SerializeToElement(examples.Build(schema));
            validator.Validate(json, schema).ShouldBeEmpty($"the generated example of {operationId} is not valid");
            return json;
        }

        var info = ExampleOf("get_collection", "GET", "/collections/c").Deserialize(QdrantJsonContext.Default.QdrantEnvelopeCollectionInfoResult)!.Result!;
        info.Status.ShouldBe("green");
        QdrantCollectionShape.Read(info.Config!.Params!.Vectors).Size.ShouldNotBeNull();

        ExampleOf("collection_exists", "GET", "/collections/c/exists").Deserialize(QdrantJsonContext.Default.QdrantEnvelopeCollectionExistenceResult)!.Result.ShouldNotBeNull();
        ExampleOf("create_collection", "PUT", "/collections/c").Deserialize(QdrantJsonContext.Default.QdrantEnvelopeBoolean)!.Result.ShouldBeTrue();
        foreach (var (operationId, method, path) in new[]
        {
            ("upsert_points", "PUT", "/collections/c/points"),
            ("delete_points", "POST", "/collections/c/points/delete"),
            ("create_field_index", "PUT", "/collections/c/index"),
        })
        {
            var update = ExampleOf(operationId, method, path).Deserialize(QdrantJsonContext.Default.QdrantEnvelopeUpdateResultBody)!.Result!;
            update.Status.ShouldBe("acknowledged");
            update.OperationId.ShouldNotBeNull();
        }

        var hits = ExampleOf("query_points", "POST", "/collections/c/points/query").Deserialize(QdrantJsonContext.Default.QdrantEnvelopeQueryResult)!.Result!;
        var hit = hits.Points.ShouldNotBeNull().ShouldHaveSingleItem();
        hit.Score.ShouldBe(0.75);
        hit.Id.ValueKind.ShouldBe(JsonValueKind.Number);
    }

    [Fact]
    public void The_validator_accepts_a_valid_upsert_body_and_rejects_each_kind_of_broken_one()
    {
        var validator = new QdrantSchemaValidator(Spec);
        var schema = Spec.FindOperation(HttpMethod.Put, "/collections/c/points")!.RequestSchema!.Value;
        IReadOnlyList<string> Check(string json) => validator.Validate(JsonDocument.Parse(json).RootElement, schema);

        Check("""{"points":[{"id":"5f0e6c5a-3d7b-4c8e-9a51-2b7f0d4e8c13","vector":[0.1,0.2],"payload":{"any":"thing"}}]}""").ShouldBeEmpty();
        Check("""{"points":[{"id":7,"vector":[0.1]}]}""").ShouldBeEmpty();

        Check("""{"pointz":[]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"vector":[0.1]}]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"id":"c-1","vector":[0.1]}]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"id":-1,"vector":[0.1]}]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"id":1,"vector":"oops"}]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"id":1,"vector":[0.1],"payload":[1]}]}""").ShouldNotBeEmpty();
        Check("""{"points":[{"id":1,"vector":[0.1]}],"update_filter":{"must":[],"mustt":[]}}""").ShouldNotBeEmpty();
    }

    [Fact]
    public void The_validator_rejects_a_wrong_enum_a_null_where_none_is_allowed_and_an_undeclared_member()
    {
        var validator = new QdrantSchemaValidator(Spec);
        var create = Spec.Schema("CreateCollection");
        var query = Spec.Schema("QueryRequest");
        IReadOnlyList<string> Check(string json, JsonElement schema) => validator.Validate(JsonDocument.Parse(json).RootElement, schema);

        Check("""{"vectors":{"size":4,"distance":"Cosine"}}""", create).ShouldBeEmpty();
        Check("""{"vectors":{"size":4,"distance":"Cosinus"}}""", create).ShouldNotBeEmpty();
        Check("""{"vectors":{"size":0,"distance":"Cosine"}}""", create).ShouldNotBeEmpty();
        Check("""{"vectors":{"size":null,"distance":"Cosine"}}""", create).ShouldNotBeEmpty();

        Check("""{"query":[0.1],"limit":3,"with_payload":true,"filter":{"must":[{"key":"k","match":{"value":"v"}}]}}""", query).ShouldBeEmpty();
        Check("""{"query":[0.1],"limit":0}""", query).ShouldNotBeEmpty();
        Check("""{"query":[0.1],"with_payloads":true}""", query).ShouldNotBeEmpty();
        Check("""{"query":[0.1],"filter":{"must":[{"key":"k","match":{"value":1.5}}]}}""", query).ShouldNotBeEmpty();
    }

    [Fact]
    public void The_contract_server_flags_a_request_outside_the_spec()
    {
        using var server = new QdrantContractServer();
        var unknownRoute = new QdrantRecordedRequest(HttpMethod.Post, "/collections/c/points/search", [], new Dictionary<string, string>(), "{}", Spec.FindOperation(HttpMethod.Post, "/collections/c/points/search"));
        var unknownParameter = new QdrantRecordedRequest(HttpMethod.Put, "/collections/c/points", [KeyValuePair.Create("wiat", "true")], new Dictionary<string, string>(), """{"points":[]}""", Spec.FindOperation(HttpMethod.Put, "/collections/c/points"));
        var badParameter = new QdrantRecordedRequest(HttpMethod.Put, "/collections/c/points", [KeyValuePair.Create("wait", "yes")], new Dictionary<string, string>(), """{"points":[]}""", Spec.FindOperation(HttpMethod.Put, "/collections/c/points"));
        var bodyOnGet = new QdrantRecordedRequest(HttpMethod.Get, "/collections/c", [], new Dictionary<string, string>(), "{}", Spec.FindOperation(HttpMethod.Get, "/collections/c"));

        server.Violations(unknownRoute).ShouldHaveSingleItem().ShouldContain("no operation");
        server.Violations(unknownParameter).ShouldHaveSingleItem().ShouldContain("\"wiat\" is not defined");
        server.Violations(badParameter).ShouldHaveSingleItem().ShouldContain("expected boolean");
        server.Violations(bodyOnGet).ShouldHaveSingleItem().ShouldContain("takes none");
    }
}
