using System.Text.Json;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantRange = Qdrant.Client.Grpc.Range;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// The Qdrant store against Qdrant's published gRPC contract (the descriptors Qdrant.Client ships,
/// <see cref="QdrantGrpcContract"/>), without a Qdrant server: every request it sends must be a
/// method the store is meant to call and pass Qdrant's validation of that message
/// (<see cref="QdrantContractRules"/>); every answer it reads is one Qdrant's messages can carry.
/// </summary>
public sealed class QdrantContractTests
{
    private static readonly float[] ThreeValues = [1f, 2f, 3f];
    private static readonly float[] FourValues = [1f, 2f, 3f, 4f];
    private static readonly float[] OneValue = [1f];

    [Fact]
    public async Task Creating_a_knowledge_base_on_a_new_collection_sends_requests_the_contract_accepts()
    {
        await using var server = await QdrantFakeServer.StartAsync();
        var entry = QdrantTestStores.Entry(server, dimension: 4, metric: VectorMetric.Dot);
        using var store = QdrantTestStores.Store(entry);

        await store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None);

        server.Service.AllViolations().ShouldBeEmpty();
        server.Service.Calls.Select(call => call.Method)
            .ShouldBe(["Collections/CollectionExists", "Collections/Create", "Points/CreateFieldIndex", "Points/CreateFieldIndex"]);
        var create = server.Service.CallsOf("Collections/Create").Single().RequestAs<CreateCollection>();
        create.CollectionName.ShouldBe("docs");
        create.VectorsConfig.Params.Size.ShouldBe(4UL);
        create.VectorsConfig.Params.Distance.ShouldBe(Distance.Dot);
        var indexes = server.Service.CallsOf("Points/CreateFieldIndex").Select(call => call.RequestAs<CreateFieldIndexCollection>()).ToList();
        indexes.Select(index => (index.FieldName, index.FieldType, index.Wait))
            .ShouldBe([("knowledge_base", FieldType.Keyword, true), ("document_id", FieldType.Keyword, true)]);
        server.Service.Collection("docs").ShouldNotBeNull().Indexes.Keys.Order(StringComparer.Ordinal).ShouldBe(["document_id", "knowledge_base"]);
    }

    [Fact]
    public async Task An_existing_collection_that_matches_is_checked_and_not_created_again()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync(size: 4, distance: Distance.Euclid);
        var entry = QdrantTestStores.Entry(server, dimension: 4, metric: VectorMetric.L2);
        using var store = QdrantTestStores.Store(entry);

        await store.CheckAsync(CancellationToken.None);
        await store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None);

        server.Service.AllViolations().ShouldBeEmpty();
        server.Service.CallsOf("Collections/Get").Count.ShouldBe(2);
        server.Service.CallsOf("Collections/Create").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_collection_with_another_size_or_distance_is_a_mismatch_naming_entry_collection_and_both_shapes()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync(size: 768, distance: Distance.Dot, name: "shared-chunks");
        var entry = QdrantTestStores.Entry(server, dimension: 4, metric: VectorMetric.Cosine, collection: "shared-chunks");
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        failure.Message.ShouldContain("knowledge.vector_dbs[1]");
        failure.Message.ShouldContain("\"shared-chunks\"");
        failure.Message.ShouldContain("expected size 4, distance Cosine");
        failure.Message.ShouldContain("found size 768, distance Dot");
        server.Service.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_collection_with_named_vectors_is_a_mismatch()
    {
        await using var server = await QdrantFakeServer.StartAsync();
        var named = new VectorParamsMap();
        named.Map["text"] = new VectorParams { Size = 4, Distance = Distance.Cosine };
        server.Service.AddCollection("docs", new QdrantFakeCollectionState(new VectorsConfig { ParamsMap = named }));
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server));

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Mismatch);
        failure.Message.ShouldContain("named vectors (text)");
    }

    [Fact]
    public async Task Upserting_sends_points_with_uuid_ids_dense_vectors_and_the_chunk_payload_and_waits()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1", metadataJson: """{"lang":"en","page":3}"""), QdrantTestStores.Chunk("c-2")], CancellationToken.None);

        server.Service.AllViolations().ShouldBeEmpty();
        var upsert = server.Service.CallsOf("Points/Upsert").Single().RequestAs<UpsertPoints>();
        upsert.CollectionName.ShouldBe("docs");
        upsert.Wait.ShouldBeTrue();
        upsert.Points.Count.ShouldBe(2);
        var point = upsert.Points[0];
        point.Id.Uuid.ShouldBe(QdrantPointIds.For("handbook", "c-1"));
        point.Vectors.Vector.Dense.Data.ShouldBe([1f, 1.25f, 1.5f, 1.75f]);
        point.Payload["knowledge_base"].StringValue.ShouldBe("handbook");
        point.Payload["document_id"].StringValue.ShouldBe("doc-1");
        point.Payload["chunk_id"].StringValue.ShouldBe("c-1");
        point.Payload["text"].StringValue.ShouldBe("text of c-1");
        point.Payload["metadata"].StructValue.Fields["page"].IntegerValue.ShouldBe(3);
        point.Payload["metadata"].StructValue.Fields["lang"].StringValue.ShouldBe("en");
        upsert.Points[1].Payload.ContainsKey("metadata").ShouldBeFalse();
        server.Service.Collection("docs")!.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Deleting_chunks_documents_and_knowledge_bases_sends_filters_on_the_knowledge_base()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);
        var other = QdrantTestStores.KnowledgeBase(entry, "other");
        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1"), QdrantTestStores.Chunk("c-2"), QdrantTestStores.Chunk("c-3", document: "doc-9")], CancellationToken.None);
        await store.UpsertChunksAsync(other, [QdrantTestStores.Chunk("c-1"), QdrantTestStores.Chunk("c-4", document: "doc-9")], CancellationToken.None);

        (await store.DeleteChunksAsync(kb, ["c-1", "c-2"], CancellationToken.None)).ShouldBeNull();
        server.Service.Collection("docs")!.Count.ShouldBe(3);
        (await store.DeleteDocumentAsync(kb, "doc-9", CancellationToken.None)).ShouldBeNull();
        server.Service.Collection("docs")!.Count.ShouldBe(2);
        await store.DeleteKnowledgeBaseAsync(other, CancellationToken.None);
        server.Service.Collection("docs")!.Count.ShouldBe(0);

        server.Service.AllViolations().ShouldBeEmpty();
        var deletes = server.Service.CallsOf("Points/Delete").Select(call => call.RequestAs<DeletePoints>()).ToList();
        deletes.Count.ShouldBe(3);
        deletes.ShouldAllBe(delete => delete.Wait && delete.Points.PointsSelectorOneOfCase == PointsSelector.PointsSelectorOneOfOneofCase.Filter);
        foreach (var (delete, name) in deletes.Zip(["handbook", "handbook", "other"]))
        {
            var first = delete.Points.Filter.Must[0].Field;
            (first.Key, first.Match.Keyword).ShouldBe(("knowledge_base", name));
        }

        deletes[0].Points.Filter.Must[1].HasId.HasId.Select(id => id.Uuid)
            .ShouldBe([QdrantPointIds.For("handbook", "c-1"), QdrantPointIds.For("handbook", "c-2")]);
        (deletes[1].Points.Filter.Must[1].Field.Key, deletes[1].Points.Filter.Must[1].Field.Match.Keyword).ShouldBe(("document_id", "doc-9"));
        deletes[2].Points.Filter.Must.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Searching_sends_a_query_with_the_filter_shapes_Qdrant_takes_and_reads_the_hits_back()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);
        await store.UpsertChunksAsync(
            kb,
            [
                QdrantTestStores.Chunk("c-1", metadataJson: """{"lang":"en","page":3.0,"draft":false,"a.b":"dotted","nested":{"list":[1,2.5,"x",null,true]}}"""),
                QdrantTestStores.Chunk("c-2", metadataJson: """{"lang":"de","page":3,"draft":false,"a.b":"dotted"}"""),
            ],
            CancellationToken.None);
        var filter = new Dictionary<string, JsonElement>
        {
            ["lang"] = JsonSerializer.SerializeToElement("en"),
            ["page"] = JsonSerializer.SerializeToElement(3),
            ["draft"] = JsonSerializer.SerializeToElement(false),
            ["a.b"] = JsonSerializer.SerializeToElement("dotted"),
        };

        var hits = await store.SearchAsync(kb, QdrantTestStores.Query(topK: 7, filter: filter), CancellationToken.None);

        server.Service.AllViolations().ShouldBeEmpty();
        var query = server.Service.CallsOf("Points/Query").Single().RequestAs<QueryPoints>();
        query.Limit.ShouldBe(7UL);
        query.WithPayload.Enable.ShouldBeTrue();
        query.Query.Nearest.Dense.Data.Count.ShouldBe(4);
        var must = query.Filter.Must.Select(condition => condition.Field).ToList();
        must.Select(condition => condition.Key).ShouldBe(["knowledge_base", "metadata.lang", "metadata.page", "metadata.draft", "metadata.\"a.b\""]);
        must[1].Match.Keyword.ShouldBe("en");
        (must[2].Range.Gte, must[2].Range.Lte).ShouldBe((3, 3));
        must[3].Match.Boolean.ShouldBeFalse();

        // The integer 3 of the filter finds the 3.0 stored: the range compares values, not types.
        var hit = hits.ShouldHaveSingleItem();
        (hit.Id, hit.DocumentId, hit.Text).ShouldBe(("c-1", "doc-1", "text of c-1"));
        hit.Metadata!.Value.GetProperty("nested").GetRawText().ShouldBe("""{"list":[1,2.5,"x",null,true]}""");
        hit.Score.ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public async Task Scores_are_read_per_metric_and_a_foreign_point_is_reported_with_its_id()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync(distance: Distance.Euclid);
        var entry = QdrantTestStores.Entry(server, metric: VectorMetric.L2);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);
        var answer = new QueryResponse();
        var ours = new ScoredPoint { Id = Guid.Parse(QdrantPointIds.For("handbook", "c-1")), Score = -0.875f };
        ours.Payload.Add(new Dictionary<string, Value> { ["chunk_id"] = "c-1", ["document_id"] = "doc-1", ["text"] = "t" });
        answer.Result.Add(ours);
        var foreign = new QueryResponse();
        foreign.Result.Add(new ScoredPoint { Id = 42UL, Score = 1 });
        server.Service.Enqueue("Points/Query", QdrantFakeAnswer.With(answer), QdrantFakeAnswer.With(foreign));

        var hit = (await store.SearchAsync(kb, QdrantTestStores.Query(), CancellationToken.None)).ShouldHaveSingleItem();
        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.SearchAsync(kb, QdrantTestStores.Query(), CancellationToken.None));

        // Older servers answered Euclid with the negated distance; the store reads the distance.
        hit.Score.ShouldBe(0.875);
        hit.Metadata.ShouldBeNull();
        failure.Kind.ShouldBe(VectorStoreErrorKind.Unknown);
        failure.Message.ShouldContain("found point 42 without the chunk_id and document_id Compozy writes");
    }

    [Fact]
    public async Task An_InvalidArgument_from_Qdrant_becomes_InvalidRequest_with_Qdrants_error_text()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Upsert", QdrantFakeAnswer.Fail(StatusCode.InvalidArgument, "Wrong input: Vector dimension error: expected dim: 4, got 3"));
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(QdrantTestStores.KnowledgeBase(entry), [QdrantTestStores.Chunk("c-1")], CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain("Wrong input: Vector dimension error: expected dim: 4, got 3");
        failure.Message.ShouldContain("gRPC InvalidArgument");
        server.Service.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_cycle_calls_only_the_methods_the_store_is_meant_to_and_never_the_obsolete_search()
    {
        await using var server = await QdrantFakeServer.StartAsync();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        await store.CheckAsync(CancellationToken.None);
        await store.EnsureKnowledgeBaseAsync(kb, CancellationToken.None);
        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1")], CancellationToken.None);
        (await store.SearchAsync(kb, QdrantTestStores.Query(), CancellationToken.None)).ShouldHaveSingleItem().Id.ShouldBe("c-1");
        await store.DeleteChunksAsync(kb, ["c-1"], CancellationToken.None);
        await store.DeleteDocumentAsync(kb, "doc-1", CancellationToken.None);
        await store.DeleteKnowledgeBaseAsync(kb, CancellationToken.None);

        server.Service.AllViolations().ShouldBeEmpty();
        server.Service.Calls.Select(call => call.Method).Distinct().Order(StringComparer.Ordinal).ShouldBe(
        [
            "Collections/CollectionExists",
            "Collections/Create",
            "Points/CreateFieldIndex",
            "Points/Delete",
            "Points/Query",
            "Points/Upsert",
        ]);
        QdrantGrpcContract.UnaryMethods.Select(QdrantGrpcContract.NameOf).ShouldContain("Points/Search");
    }

    [Fact]
    public async Task The_api_key_travels_as_api_key_metadata_of_every_call_and_none_is_sent_without_one()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        using (var store = QdrantTestStores.Store(QdrantTestStores.Entry(server)))
        {
            await store.CheckAsync(CancellationToken.None);
        }

        using (var keyless = QdrantTestStores.Store(QdrantTestStores.Entry(server, apiKey: null)))
        {
            await keyless.CheckAsync(CancellationToken.None);
        }

        var calls = server.Service.Calls;
        calls.Count.ShouldBe(4);
        calls.Take(2).ShouldAllBe(call => call.Header(QdrantConnection.ApiKeyHeader) == QdrantTestStores.ApiKey);
        calls.Skip(2).ShouldAllBe(call => call.Header(QdrantConnection.ApiKeyHeader) == null);
    }

    [Fact]
    public async Task Every_call_carries_a_deadline_of_options_timeout_and_each_retry_a_fresh_one()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Collections/CollectionExists", QdrantFakeAnswer.Fail(StatusCode.Unavailable, "shard is starting"));
        var time = new QdrantTestTime();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server, timeout: "10m"), time);

        await store.CheckAsync(CancellationToken.None);

        var calls = server.Service.CallsOf("Collections/CollectionExists");
        calls.Count.ShouldBe(2);
        foreach (var call in calls)
        {
            // What is left of ten minutes when the call arrives: far more than nine, never more than ten.
            (call.Deadline - call.ReceivedAt).ShouldBeInRange(TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        }

        calls[1].Deadline.ShouldBeGreaterThanOrEqualTo(calls[0].Deadline);
    }

    [Fact]
    public void The_fake_server_speaks_the_contract_of_the_Qdrant_release_the_client_was_generated_from()
    {
        QdrantGrpcContract.Version.ShouldBe("v1.20.0");
        File.ReadAllText(Path.Combine(Documentation.DocumentationSource.RepositoryRoot, "tests", "contracts", "README.md"))
            .ShouldContain($"Qdrant.Client 1.20.0 (Qdrant {QdrantGrpcContract.Version})");
        var methods = QdrantGrpcContract.UnaryMethods.Select(QdrantGrpcContract.NameOf).ToList();
        methods.ShouldBeUnique();
        QdrantFakeService.StoreMethods.ShouldBeSubsetOf(methods);

        // The client stubs Qdrant.Client's high-level client calls use the same service names.
        Points.Descriptor.FullName.ShouldBe("qdrant.Points");
        Collections.Descriptor.FullName.ShouldBe("qdrant.Collections");
    }

    [Fact]
    public async Task A_request_that_breaks_the_contract_is_refused_as_Qdrant_would_and_recorded_as_a_violation()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        using var client = new QdrantClient(new QdrantGrpcClient(channel));

        var wrongSize = await Should.ThrowAsync<RpcException>(() => client.UpsertAsync("docs", [new PointStruct { Id = 1UL, Vectors = ThreeValues }]));
        var noName = await Should.ThrowAsync<RpcException>(() => client.CollectionExistsAsync(string.Empty));
        var emptyCondition = await Should.ThrowAsync<RpcException>(() => client.DeleteAsync("docs", new Filter { Must = { new Condition() } }));
        var notTheStores = await Should.ThrowAsync<RpcException>(() => client.CountAsync("docs"));

        wrongSize.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        wrongSize.Status.Detail.ShouldContain("Vector dimension error: expected dim: 4, got 3");
        noName.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        emptyCondition.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        notTheStores.StatusCode.ShouldBe(StatusCode.Unimplemented);
        var violations = server.Service.AllViolations();
        violations.ShouldContain("Points/Upsert: points[0].vectors.vector: Wrong input: Vector dimension error: expected dim: 4, got 3");
        violations.ShouldContain("Collections/CollectionExists: collection_name: \"\" must have 1 to 255 characters");
        violations.ShouldContain("Points/Delete: points.filter.must[0]: Malformed Condition type");
        violations.ShouldContain("Points/Count: Points/Count is not a call the Qdrant store makes");
        server.Service.Collection("docs")!.Count.ShouldBe(0);
    }

    [Fact]
    public void The_contract_rules_accept_what_Qdrant_takes_and_name_each_kind_of_broken_request()
    {
        IReadOnlyList<string> Check(Google.Protobuf.IMessage request) => QdrantContractRules.Check(request, name => name == "docs" ? 4UL : null);
        var valid = new QueryPoints
        {
            CollectionName = "docs",
            Limit = 3,
            Query = FourValues,
            Filter = new Filter { Must = { Conditions.MatchKeyword("knowledge_base", "kb"), Conditions.Range("metadata.page", new QdrantRange { Gte = 3, Lte = 3 }) } },
        };

        Check(valid).ShouldBeEmpty();
        Check(new CreateCollection { CollectionName = "docs", VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Cosine } } }).ShouldBeEmpty();
        Check(new UpsertPoints { CollectionName = "docs", Points = { new PointStruct { Id = Guid.NewGuid(), Vectors = FourValues } } }).ShouldBeEmpty();

        Check(new QueryPoints(valid) { Limit = 0 }).ShouldHaveSingleItem().ShouldStartWith("limit:");
        Check(new QueryPoints(valid) { Query = OneValue }).ShouldHaveSingleItem().ShouldContain("expected dim: 4, got 1");
        Check(new QueryPoints(valid) { CollectionName = "a/b" }).ShouldHaveSingleItem().ShouldContain("cannot contain \"/\"");
        Check(new QueryPoints(valid) { Filter = new Filter { Must = { new Condition { Field = new FieldCondition { Key = "k" } } } } })
            .ShouldHaveSingleItem().ShouldContain("At least one field condition must be specified");
        Check(new QueryPoints(valid) { Filter = new Filter { Must = { new Condition { Field = new FieldCondition { Key = "k", Match = new Match() } } } } })
            .ShouldHaveSingleItem().ShouldContain("Malformed Match condition");
        Check(new QueryPoints(valid) { Filter = new Filter { Should = { new Condition { Field = new FieldCondition { Key = string.Empty, Range = new QdrantRange() } } } } })
            .Count.ShouldBe(2);
        Check(new CreateCollection { CollectionName = "a:b", VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 0 } } })
            .Count.ShouldBe(3);
        Check(new CreateFieldIndexCollection { CollectionName = "docs" }).Count.ShouldBe(2);
        Check(new UpsertPoints { CollectionName = "docs", Points = { new PointStruct { Id = new PointId { Uuid = "c-1" }, Vectors = FourValues }, new PointStruct() } })
            .Count.ShouldBe(3);
        Check(new DeletePoints { CollectionName = "docs" }).ShouldHaveSingleItem().ShouldStartWith("points:");
    }
}
