using System.Net.Sockets;
using Compozy.Data.Knowledge;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>Retries, backoff, Retry-After and how each failure is classified; no test sleeps for real.</summary>
public sealed class QdrantRetryTests
{
    [Fact]
    public async Task A_429_followed_by_success_is_retried_after_the_Retry_After_the_server_asked_for()
    {
        using var server = new QdrantContractServer();
        server.Enqueue("query_points", QdrantCannedAnswer.Error(429, "Too many requests", retryAfter: 7));
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server, time);

        var hits = await store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None);

        hits.ShouldBeEmpty();
        server.RequestsOf("query_points").Count.ShouldBe(2);
        time.Delays.ShouldBe([TimeSpan.FromSeconds(7)]);
        server.AllViolations().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_gateway_or_unavailable_answer_is_retried_with_growing_backoff(int status)
    {
        using var server = new QdrantContractServer();
        server.Enqueue("collection_exists", QdrantCannedAnswer.Error(status, "busy"), QdrantCannedAnswer.Error(status, "busy"), QdrantCannedAnswer.Error(status, "busy"));
        var time = new QdrantTestTime();
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(maxRetries: 3), server, time);

        await store.CheckAsync(CancellationToken.None);

        server.RequestsOf("collection_exists").Count.ShouldBe(4);
        time.Delays.Count.ShouldBe(3);
        time.Delays.ShouldAllBe(delay => delay > TimeSpan.Zero && delay <= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        using var server = new QdrantContractServer();
        server.Enqueue("query_points", QdrantCannedAnswer.Error(400, "Wrong input: bad filter"));
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain("Wrong input: bad filter");
        server.RequestsOf("query_points").Count.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_500_is_not_retried_and_is_Unavailable()
    {
        using var server = new QdrantContractServer();
        server.Enqueue("collection_exists", QdrantCannedAnswer.Error(500, "Service internal error: disk full"));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("disk full");
        server.RequestsOf("collection_exists").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_is_Throttled_after_max_retries_plus_one_attempts()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", QdrantCannedAnswer.Error(429, "rate limited", retryAfter: 1));
        var time = new QdrantTestTime();
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(maxRetries: 2), server, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Throttled);
        failure.Message.ShouldContain("3 attempts");
        server.RequestsOf("collection_exists").Count.ShouldBe(3);
        time.Delays.ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_store_waits_is_reported_as_Throttled_at_once()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", QdrantCannedAnswer.Error(429, "rate limited", retryAfter: 3600));
        var time = new QdrantTestTime();
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Throttled);
        failure.Message.ShouldContain("asked to wait 1h");
        server.RequestsOf("collection_exists").Count.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_then_Unavailable_with_the_url()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(Failure: new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (qdrant.test:6333)", new SocketException((int)SocketError.ConnectionRefused))));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(maxRetries: 1), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("http://qdrant.test:6333/");
        failure.Message.ShouldContain("knowledge.vector_dbs[1]");
        failure.Message.ShouldContain("2 attempts");
        server.RequestsOf("collection_exists").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_TLS_failure_is_not_retried()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(Failure: new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established")));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        server.RequestsOf("collection_exists").Count.ShouldBe(1);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_Timeout_naming_the_option()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(Hang: true));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(timeout: "100ms"), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Timeout);
        failure.Message.ShouldContain("100ms (options.timeout)");
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_timeout()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(Hang: true));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(timeout: "10m"), server);
        using var cancel = new CancellationTokenSource();

        var check = store.CheckAsync(cancel.Token);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => check);
    }

    [Theory]
    [InlineData(401, VectorStoreErrorKind.Unauthorized)]
    [InlineData(403, VectorStoreErrorKind.Unauthorized)]
    [InlineData(404, VectorStoreErrorKind.NotFound)]
    [InlineData(400, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(422, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(409, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(413, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(500, VectorStoreErrorKind.Unavailable)]
    public async Task Each_status_code_is_classified_by_its_code(int status, VectorStoreErrorKind kind)
    {
        using var server = new QdrantContractServer();
        server.SetDefault("query_points", QdrantCannedAnswer.Error(status, "whatever the text says: timeout, unauthorized, not found"));
        var entry = QdrantTestStores.Entry();
        var store = QdrantTestStores.Store(entry, server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None));

        failure.Kind.ShouldBe(kind);
        failure.Message.ShouldContain($"HTTP {status}");
        failure.Message.ShouldContain("searching knowledge base \"handbook\" in collection \"docs\"");
    }

    [Fact]
    public async Task A_proxy_page_instead_of_Qdrants_json_is_reported_with_its_start()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(Status: 502, RawBody: "<html><body>Bad Gateway from the proxy</body></html>"));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(maxRetries: 0), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("Bad Gateway from the proxy");
    }

    [Fact]
    public async Task A_success_status_with_a_body_that_is_not_Qdrants_is_Unknown()
    {
        using var server = new QdrantContractServer();
        server.SetDefault("collection_exists", new QdrantCannedAnswer(RawBody: "<html>login page</html>"));
        var store = QdrantTestStores.Store(QdrantTestStores.Entry(), server);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unknown);
        failure.Message.ShouldContain("is url a Qdrant server?");
    }
}
