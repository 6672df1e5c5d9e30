using System.Net;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant;
using Compozy.Data.Testing;
using Compozy.Data.Tests.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// A qdrant entry as an operator writes it: the url Compozy's docs show works, and a configuration
/// that cannot work stops <c>compozy</c> with exit code 2 and a problem naming the key and what to change.
/// </summary>
public sealed class QdrantConfigurationTests
{
    private const int InvalidConfigurationExitCode = 2;

    [Theory]
    [InlineData("http://localhost:6333", "collection: compozy_docs")]
    [InlineData("http://localhost:6334", "collection: compozy_docs")]
    [InlineData("https://qdrant.example:6333", "collection: compozy_docs")]
    [InlineData("https://qdrant.example", "grpc_port: 443")]
    [InlineData("http://qdrant.internal:7000", "grpc_port: 7001")]
    public void These_qdrant_entries_are_valid(string url, string option)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, Yaml(temp, url, option));

        var (reader, options, _) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Warnings));
        options.Knowledge.VectorDatabases.ShouldHaveSingleItem().Provider.ShouldBe("qdrant");
    }

    [Theory]
    [InlineData("https://qdrant.example", "collection: compozy_docs", "url", "neither Qdrant's REST port (6333) nor its gRPC port (6334)", "set options.grpc_port")]
    [InlineData("http://proxy.internal:6333/qdrant", "collection: compozy_docs", "url", "has a path or query (/qdrant)", "for example http://proxy.internal:6333")]
    [InlineData("http://admin:s3cret@localhost:6333", "collection: compozy_docs", "url", "carries a user name or password", "options.api_key")]
    [InlineData("http://localhost:6333", "grpc_port: 70000", "options.grpc_port", "\"70000\"", "allowed: an integer from 1 to 65535")]
    [InlineData("http://localhost:6333", "collection: team/docs", "options.collection", "\"team/docs\" is not a collection name Qdrant accepts: it contains \"/\"", "allowed: any characters but")]
    public async Task A_qdrant_entry_that_cannot_work_exits_2_naming_the_key_and_what_to_change(string url, string option, string key, string said, string change)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, Yaml(temp, url, option));

        var run = await CliRun.ExecuteAsync(new Dictionary<string, string>(), ["migrate", "up", "--config", config]);

        run.ExitCode.ShouldBe(InvalidConfigurationExitCode, run.Error);
        run.Error.ShouldStartWith("compozy: configuration is invalid (1 problem):", Case.Sensitive);
        var line = run.ProblemLineFor($"knowledge.vector_dbs[0].{key}");
        line.ShouldContain(said, Case.Sensitive);
        line.ShouldContain(change, Case.Sensitive);
        run.Error.ShouldNotContain("s3cret");
        File.Exists(temp.Combine("compozy.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_url_the_docs_show_reaches_the_grpc_port_of_the_same_host_and_the_log_says_so()
    {
        await using var server = await StartOnGrpcPortOfSomeLoopbackAsync();
        var host = server.Address.Host;
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, Yaml(temp, $"http://{host}:6333"));
        var (reader, options, _) = ConfigurationHarness.Read(config);
        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        var logs = new CapturedLogs();
        using var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(logs)).BuildServiceProvider();
        var entry = options.Knowledge.VectorDatabases.Single();

        var store = new QdrantVectorStoreProvider().Create(entry, services);
        try
        {
            await store.EnsureKnowledgeBaseAsync(new KnowledgeBaseDefinition("handbook", entry.Id, entry.Dimension, entry.Metric), CancellationToken.None);
        }
        finally
        {
            ((IDisposable)store).Dispose();
        }

        server.Service.Collection("compozy_docs").ShouldNotBeNull().Size.ShouldBe(768UL);
        server.Service.AllViolations().ShouldBeEmpty();
        logs.Containing($"knowledge.vector_dbs[0]: url http://{host}:6333 is Qdrant's REST port; the qdrant provider talks gRPC, so it connects to http://{host}:6334, the gRPC port of the same host (set options.grpc_port to use another)")
            .ShouldHaveSingleItem();
    }

    private static string Yaml(TemporaryDirectory temp, string url, string option = "collection: compozy_docs") => $"""
        database:
          driver: sqlite
          path: '{temp.Combine("compozy.db")}'
        knowledge:
          vector_dbs:
            - id: docs
              provider: qdrant
              url: {url}
              dimension: 768
              options:
                {option}
        """;

    /// <summary>
    /// A fake server on port 6334 of a loopback address of its own (all of 127.0.0.0/8 is loopback
    /// on Linux), so that a url on 6333 of that address reaches it without taking the machine's 6334.
    /// </summary>
    private static async Task<QdrantFakeServer> StartOnGrpcPortOfSomeLoopbackAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var address = new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]);
            try
            {
                return await QdrantFakeServer.StartAsync(address, QdrantEndpoint.GrpcPort);
            }
            catch (IOException) when (attempt < 5)
            {
                // That address and port are taken; another address is not.
            }
        }
    }
}
