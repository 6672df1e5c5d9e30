using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Compozy.Data.Knowledge;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Distance = Qdrant.Client.Grpc.Distance;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// Retries, backoff, Qdrant's <c>retry-after</c>, deadlines, TLS, and how each gRPC status is
/// classified; no test sleeps: backoff runs on <see cref="QdrantTestTime"/>, whose timers fire at once.
/// </summary>
public sealed class QdrantRetryTests
{
    [Fact]
    public async Task A_rate_limited_call_is_retried_after_the_retry_after_Qdrant_sent()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Query", QdrantFakeAnswer.Fail(StatusCode.ResourceExhausted, "Rate limiting exceeded: Read rate limit exceeded, retry after 7s", retryAfter: 7));
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry, time);

        var hits = await store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None);

        hits.ShouldBeEmpty();
        server.Service.CallsOf("Points/Query").Count.ShouldBe(2);
        time.Delays.ShouldBe([TimeSpan.FromSeconds(7)]);
        server.Service.AllViolations().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Aborted)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task A_transient_status_is_retried_with_growing_backoff_until_it_succeeds(StatusCode code)
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        var busy = QdrantFakeAnswer.Fail(code, "busy");
        server.Service.Enqueue("Collections/CollectionExists", busy, busy, busy);
        var time = new QdrantTestTime();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server, maxRetries: 3), time);

        await store.CheckAsync(CancellationToken.None);

        server.Service.CallsOf("Collections/CollectionExists").Count.ShouldBe(4);
        time.Delays.Count.ShouldBe(3);
        time.Delays.ShouldAllBe(delay => delay > TimeSpan.Zero && delay <= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_upsert_whose_deadline_passed_is_sent_again_because_its_point_ids_are_fixed()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Upsert", new QdrantFakeAnswer(StatusCode.DeadlineExceeded, "Timeout error: Operation 'update' timed out", Apply: true));
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);

        await store.UpsertChunksAsync(QdrantTestStores.KnowledgeBase(entry), [QdrantTestStores.Chunk("c-1")], CancellationToken.None);

        server.Service.CallsOf("Points/Upsert").Count.ShouldBe(2);
        server.Service.Collection("docs")!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_create_whose_deadline_passed_is_not_sent_again_but_found_out_by_reading_the_collection()
    {
        await using var server = await QdrantFakeServer.StartAsync();
        server.Service.Enqueue("Collections/Create", new QdrantFakeAnswer(StatusCode.DeadlineExceeded, "Timeout error: Operation 'create collection' timed out", Apply: true));
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);

        await store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None);

        server.Service.CallsOf("Collections/Create").Count.ShouldBe(1);
        server.Service.CallsOf("Collections/Get").Count.ShouldBe(1);
        server.Service.CallsOf("Points/CreateFieldIndex").Count.ShouldBe(2);
        server.Service.AllViolations().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_create_whose_deadline_passed_without_creating_anything_is_a_Timeout()
    {
        await using var server = await QdrantFakeServer.StartAsync();
        server.Service.Enqueue("Collections/Create", QdrantFakeAnswer.Fail(StatusCode.DeadlineExceeded, "Timeout error: Operation 'create collection' timed out"));
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.EnsureKnowledgeBaseAsync(QdrantTestStores.KnowledgeBase(entry), CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Timeout);
        failure.Message.ShouldContain("creating collection \"docs\" got no answer within 10s (options.timeout, 1 attempt, gRPC DeadlineExceeded)");
        server.Service.CallsOf("Collections/Create").Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_InvalidArgument_is_not_retried()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Query", QdrantFakeAnswer.Fail(StatusCode.InvalidArgument, "Wrong input: bad filter"));
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.InvalidRequest);
        failure.Message.ShouldContain("Wrong input: bad filter");
        server.Service.CallsOf("Points/Query").Count.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_Internal_error_is_not_retried_and_is_Unavailable()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Collections/CollectionExists", QdrantFakeAnswer.Fail(StatusCode.Internal, "Service internal error: disk full"));
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server));

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain("disk full");
        server.Service.CallsOf("Collections/CollectionExists").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_full_disk_is_not_retried_although_Qdrant_sends_it_as_ResourceExhausted()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.Enqueue("Points/Upsert", new QdrantFakeAnswer(
            StatusCode.ResourceExhausted,
            "Insufficient storage: No space left on device",
            new Dictionary<string, string> { ["qdrant-insufficient-storage"] = "1" }));
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry(server);
        using var store = QdrantTestStores.Store(entry, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.UpsertChunksAsync(QdrantTestStores.KnowledgeBase(entry), [QdrantTestStores.Chunk("c-1")], CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.StorageFull);
        failure.Message.ShouldContain("out of disk space");
        server.Service.CallsOf("Points/Upsert").Count.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_is_Throttled_after_max_retries_plus_one_attempts()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Collections/CollectionExists", QdrantFakeAnswer.Fail(StatusCode.ResourceExhausted, "Rate limiting exceeded", retryAfter: 1));
        var time = new QdrantTestTime();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server, maxRetries: 2), time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Throttled);
        failure.Message.ShouldContain("3 attempts");
        server.Service.CallsOf("Collections/CollectionExists").Count.ShouldBe(3);
        time.Delays.ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)]);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_store_waits_is_reported_as_Throttled_at_once()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Collections/CollectionExists", QdrantFakeAnswer.Fail(StatusCode.ResourceExhausted, "Rate limiting exceeded", retryAfter: 3600));
        var time = new QdrantTestTime();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server), time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Throttled);
        failure.Message.ShouldContain("asked to wait 1h");
        server.Service.CallsOf("Collections/CollectionExists").Count.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_then_Unavailable_naming_the_grpc_address()
    {
        var port = FreePort();
        var time = new QdrantTestTime();
        var entry = QdrantTestStores.Entry(maxRetries: 1, url: new Uri("http://127.0.0.1:6333"), grpcPort: port);
        using var store = QdrantTestStores.Store(entry, time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable);
        failure.Message.ShouldContain($"(qdrant at http://127.0.0.1:{port})");
        failure.Message.ShouldContain("knowledge.vector_dbs[1]");
        failure.Message.ShouldContain("could not be reached (2 attempts)", customMessage: failure.Message);
        failure.Message.ShouldContain("url, options.grpc_port");
        time.Delays.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_server_certificate_this_machine_does_not_trust_fails_at_once_without_retries()
    {
        using var certificate = SelfSignedCertificate();
        await using var server = await QdrantFakeServer.StartAsync(certificate: certificate);
        var time = new QdrantTestTime();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server), time);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unavailable, failure.Message);
        failure.Message.ShouldContain("(qdrant at https://127.0.0.1:");
        failure.Message.ShouldContain("no TLS connection could be made");
        time.Delays.ShouldBeEmpty();
        server.Service.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Over_TLS_with_a_trusted_certificate_the_calls_and_the_api_key_arrive()
    {
        using var certificate = SelfSignedCertificate();
        await using var server = await QdrantFakeServer.StartAsync(certificate: certificate);
        server.Service.AddCollection("docs", QdrantFakeCollectionState.Unnamed(4, Distance.Cosine));
        var trusting = new SocketsHttpHandler();
        trusting.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server), handler: trusting);

        await store.CheckAsync(CancellationToken.None);

        server.Service.Calls.Count.ShouldBe(2);
        server.Service.Calls.ShouldAllBe(call => call.Header("api-key") == QdrantTestStores.ApiKey);
    }

    [Fact]
    public async Task No_answer_before_the_deadline_is_retried_and_then_Timeout_naming_the_option()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Collections/CollectionExists", QdrantFakeAnswer.Hangs);
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server, timeout: "100ms", maxRetries: 1));

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Timeout);
        failure.Message.ShouldContain("got no answer within 100ms (options.timeout, 2 attempts, gRPC DeadlineExceeded)");
        server.Service.CallsOf("Collections/CollectionExists").Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_timeout()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Collections/CollectionExists", QdrantFakeAnswer.Hangs);
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server, timeout: "10m"));
        using var cancel = new CancellationTokenSource();

        var check = store.CheckAsync(cancel.Token);
        await server.Service.WaitForCallAsync("Collections/CollectionExists");
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => check);
        server.Service.Calls.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated, VectorStoreErrorKind.Unauthorized)]
    [InlineData(StatusCode.PermissionDenied, VectorStoreErrorKind.Unauthorized)]
    [InlineData(StatusCode.NotFound, VectorStoreErrorKind.NotFound)]
    [InlineData(StatusCode.InvalidArgument, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(StatusCode.AlreadyExists, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(StatusCode.FailedPrecondition, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(StatusCode.OutOfRange, VectorStoreErrorKind.InvalidRequest)]
    [InlineData(StatusCode.ResourceExhausted, VectorStoreErrorKind.Throttled)]
    [InlineData(StatusCode.DeadlineExceeded, VectorStoreErrorKind.Timeout)]
    [InlineData(StatusCode.Unavailable, VectorStoreErrorKind.Unavailable)]
    [InlineData(StatusCode.Aborted, VectorStoreErrorKind.Unavailable)]
    [InlineData(StatusCode.Internal, VectorStoreErrorKind.Unavailable)]
    [InlineData(StatusCode.DataLoss, VectorStoreErrorKind.Unavailable)]
    [InlineData(StatusCode.Unimplemented, VectorStoreErrorKind.Unknown)]
    [InlineData(StatusCode.Unknown, VectorStoreErrorKind.Unknown)]
    public async Task Each_status_code_is_classified_by_its_code_not_its_text(StatusCode code, VectorStoreErrorKind kind)
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Points/Query", QdrantFakeAnswer.Fail(code, "whatever the text says: timeout, unauthorized, not found"));
        var entry = QdrantTestStores.Entry(server, maxRetries: 0);
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() =>
            store.SearchAsync(QdrantTestStores.KnowledgeBase(entry), QdrantTestStores.Query(), CancellationToken.None));

        failure.Kind.ShouldBe(kind);
        failure.Message.ShouldContain($"gRPC {code}");
        failure.Message.ShouldContain("searching knowledge base \"handbook\" in collection \"docs\"");
        failure.Message.ShouldNotContain(QdrantTestStores.ApiKey);
    }

    [Fact]
    public async Task An_answer_that_is_not_gRPC_is_Unknown_and_asks_whether_the_port_is_Qdrants_gRPC_port()
    {
        await using var web = await StartPlainHttp2ServerAsync();
        var entry = QdrantTestStores.Entry(maxRetries: 0, url: new Uri("http://127.0.0.1:6333"), grpcPort: web.Port);
        using var store = QdrantTestStores.Store(entry);

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unknown);
        failure.Message.ShouldContain("not Qdrant's gRPC");
        failure.Message.ShouldContain($"is http://127.0.0.1:{web.Port} Qdrant's gRPC port (6334 unless changed)? Check url and options.grpc_port");
    }

    [Fact]
    public async Task An_api_key_echoed_by_the_server_is_blanked_out_of_the_message()
    {
        await using var server = await QdrantTestStores.ServerWithCollectionAsync();
        server.Service.SetDefault("Collections/CollectionExists", QdrantFakeAnswer.Fail(StatusCode.PermissionDenied, $"Forbidden: key {QdrantTestStores.ApiKey} is read-only"));
        using var store = QdrantTestStores.Store(QdrantTestStores.Entry(server));

        var failure = await Should.ThrowAsync<VectorStoreException>(() => store.CheckAsync(CancellationToken.None));

        failure.Kind.ShouldBe(VectorStoreErrorKind.Unauthorized);
        failure.Message.ShouldContain("Forbidden: key *** is read-only");
        failure.Message.ShouldContain("check options.api_key");
        failure.Message.ShouldNotContain(QdrantTestStores.ApiKey);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel needs the key in a form SslStream can use on Linux: a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>An HTTP/2 server that answers every request with a web page: what a REST port or a proxy's error page looks like to gRPC.</summary>
    private static async Task<PlainHttp2Server> StartPlainHttp2ServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html>not found</html>");
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new PlainHttp2Server(app, address.Port);
    }

    private sealed record PlainHttp2Server(WebApplication App, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
