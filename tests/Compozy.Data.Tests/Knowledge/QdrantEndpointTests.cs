using Compozy.Data.Qdrant;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>How the gRPC address is derived from <c>url</c> and <c>options.grpc_port</c>, and what is refused.</summary>
public sealed class QdrantEndpointTests
{
    [Theory]
    [InlineData("http://localhost:6333", null, "http://localhost:6334/", true)]
    [InlineData("http://localhost:6333/", null, "http://localhost:6334/", true)]
    [InlineData("https://qdrant.example:6333", null, "https://qdrant.example:6334/", true)]
    [InlineData("http://localhost:6334", null, "http://localhost:6334/", false)]
    [InlineData("http://[::1]:6333", null, "http://[::1]:6334/", true)]
    [InlineData("http://localhost:6333", 16334, "http://localhost:16334/", false)]
    [InlineData("https://qdrant.example", 443, "https://qdrant.example/", false)]
    [InlineData("http://qdrant.internal:7000", 7000, "http://qdrant.internal:7000/", false)]
    public void A_url_on_the_rest_or_grpc_port_or_with_grpc_port_set_gives_the_grpc_address(string url, int? grpcPort, string expected, bool mapped)
    {
        var endpoint = QdrantEndpoint.Resolve(new Uri(url), grpcPort, out var problem);

        problem.ShouldBeNull();
        endpoint.ShouldNotBeNull();
        endpoint.Address.ShouldBe(new Uri(expected));
        endpoint.MappedFromRestPort.ShouldBe(mapped);
    }

    [Theory]
    [InlineData("https://qdrant.example", "has port 443 (https's default), which is neither Qdrant's REST port (6333) nor its gRPC port (6334)")]
    [InlineData("http://qdrant.internal", "has port 80 (http's default)")]
    [InlineData("http://qdrant.internal:7000", "set options.grpc_port to the port Qdrant serves gRPC on (6334 unless changed), or write the url with :6333 or :6334")]
    [InlineData("http://proxy.internal:6333/qdrant", "has a path or query (/qdrant), but the qdrant provider talks gRPC")]
    [InlineData("http://localhost:6333/?timeout=5", "has a path or query (/?timeout=5)")]
    [InlineData("http://localhost:6333/#top", "has a path or query (/#top)")]
    public void A_url_that_cannot_reach_Qdrants_grpc_api_is_refused_saying_what_to_change(string url, string expected)
    {
        QdrantEndpoint.Resolve(new Uri(url), grpcPort: null, out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain(expected, Case.Sensitive);
    }

    [Fact]
    public void Every_problem_of_a_url_is_named_at_once_and_the_example_given_would_work()
    {
        QdrantEndpoint.Resolve(new Uri("http://proxy.internal/qdrant"), grpcPort: null, out var problem).ShouldBeNull();

        problem.ShouldBe(
            "\"http://proxy.internal/qdrant\" has a path or query (/qdrant), but the qdrant provider talks gRPC, which addresses Qdrant at the root of a host and port: "
            + "remove it (a reverse proxy must forward gRPC at the root), for example http://proxy.internal:6334; it also has port 80 (http's default), which is neither "
            + "Qdrant's REST port (6333) nor its gRPC port (6334), and the qdrant provider talks gRPC: set options.grpc_port to the port Qdrant serves gRPC on (6334 unless changed), "
            + "or write the url with :6333 or :6334");
        QdrantEndpoint.Resolve(new Uri("http://proxy.internal:6334"), grpcPort: null, out _).ShouldNotBeNull();
    }

    [Fact]
    public void A_url_with_a_password_is_refused_without_repeating_the_password()
    {
        QdrantEndpoint.Resolve(new Uri("http://admin:s3cret@localhost:6333"), grpcPort: null, out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain("put the API key in options.api_key");
        problem.ShouldNotContain("s3cret");
        problem.ShouldNotContain("admin");
    }

    [Fact]
    public void The_settings_of_an_entry_use_the_derived_address_for_the_channel_and_for_messages()
    {
        var settings = QdrantStoreSettings.From(QdrantTestStores.Entry(url: new Uri("https://qdrant.example:6333")));

        settings.Endpoint.Address.ShouldBe(new Uri("https://qdrant.example:6334"));
        settings.DisplayUrl.ShouldBe("https://qdrant.example:6334");
        settings.Endpoint.ConfiguredUrl.ShouldBe("https://qdrant.example:6333");
    }
}
