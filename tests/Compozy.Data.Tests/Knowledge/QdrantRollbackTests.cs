using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// An upsert is all or none: when a batch fails, the points the earlier batches wrote, and those of
/// the failed batch when it may have landed, are deleted again before the failure is reported.
/// </summary>
public sealed class QdrantRollbackTests
{
    [Fact]
    public async Task A_batch_that_may_have_landed_is_deleted_with_the_batches_before_it()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Upsert", new QdrantFakeAnswer(), new QdrantFakeAnswer(StatusCode.Internal, "Service internal error: segment flush failed", Apply: true));
        var entry = QdrantTestStores.Entry(server, batchSize: 1);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1"), QdrantTestStores.Chunk("c-2"), QdrantTestStores.Chunk("c-3")], CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("writing batch 2 of 3 (1 chunk)");
        server.Service.CallsOf("Points/Upsert").Count.ShouldBe(2);
        server.Service.Collection("docs")!.Count.ShouldBe(0);
        server.Service.CallsOf("Points/Delete")
            .SelectMany(call => call.RequestAs<DeletePoints>().Points.Filter.Must[1].HasId.HasId.Select(id => id.Uuid))
            .ShouldBe([QdrantPointIds.For("handbook", "c-1"), QdrantPointIds.For("handbook", "c-2")]);
        server.Service.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_batch_wrote_nothing_so_only_the_batches_before_it_are_deleted()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var entry = QdrantTestStores.Entry(server, batchSize: 2);
        using var store = QdrantTestStores.Store(entry);
        var kb = QdrantTestStores.KnowledgeBase(entry);
        await store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-3")], CancellationToken.None);
        server.Service.Enqueue("Points/Upsert", new QdrantFakeAnswer(), QdrantFakeAnswer.Fail(StatusCode.InvalidArgument, "Wrong input: payload too deep"));

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(kb, [QdrantTestStores.Chunk("c-1"), QdrantTestStores.Chunk("c-2"), QdrantTestStores.Chunk("c-3", seed: 2)], CancellationToken.None));

        // c-3 of the refused batch was not touched: it keeps what the first write gave it.
        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        server.Service.CallsOf("Points/Delete").ShouldHaveSingleItem().RequestAs<DeletePoints>().Points.Filter.Must[1].HasId.HasId.Select(id => id.Uuid)
            .ShouldBe([QdrantPointIds.For("handbook", "c-1"), QdrantPointIds.For("handbook", "c-2")]);
        server.Service.Collection("docs")!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task When_the_rollback_fails_too_the_message_says_which_points_stay_searchable()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Upsert", new QdrantFakeAnswer(), QdrantFakeAnswer.Fail(StatusCode.Internal, "Service internal error"));
        server.Service.SetDefault("Points/Delete", QdrantFakeAnswer.Fail(StatusCode.PermissionDenied, "read-only key"));
        var entry = QdrantTestStores.Entry(server, batchSize: 1);
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(QdrantTestStores.KnowledgeBase(entry), [QdrantTestStores.Chunk("c-1"), QdrantTestStores.Chunk("c-2")], CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("removing the 2 points that may have been written failed too, so they stay searchable until written again or deleted");
        failure.Message.ShouldContain("gRPC PermissionDenied");
    }
}
