using System.Net;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary><c>/metrics</c> on <c>compozy start</c>, scraped as Prometheus would.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Theory, DatabaseData]
    public async Task Metrics_is_prometheus_text_without_a_key_with_the_data_meter_requests_and_runtime(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_metrics");
        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK, host.Stderr);

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var metrics = PrometheusText.Parse(body);
        metrics.TypesByFamily.ShouldContainKey("http_server_request_duration_seconds");
        metrics.TypesByFamily["http_server_request_duration_seconds"].ShouldBe("histogram");
        metrics.TypesByFamily.Keys.ShouldContain(name => name.StartsWith("dotnet_", StringComparison.Ordinal), body);
        if (database == DatabaseKind.Sqlite)
        {
            metrics.TypesByFamily.ShouldContainKey("compozy_data_sqlite_wal_size_bytes", body);
            metrics.TypesByFamily["compozy_data_sqlite_wal_size_bytes"].ShouldBe("gauge");
            metrics.Samples.ShouldContain(sample => sample.Name == "compozy_data_sqlite_wal_size_bytes" && sample.Value >= 0);
            metrics.TypesByFamily.ShouldContainKey("compozy_data_sqlite_writer_queue_length", body);
        }
        else
        {
            metrics.TypesByFamily.Keys.ShouldContain(name => name.StartsWith("db_client_connection", StringComparison.Ordinal), body);
            body.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cli.Database.Location).Password!);
        }

        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
    }

    [Fact]
    public void The_test_reader_rejects_what_is_not_prometheus_text()
    {
        Should.Throw<FormatException>(() => PrometheusText.Parse("{\"wal\": 1}\n"));
        Should.Throw<FormatException>(() => PrometheusText.Parse("# TYPE wal gauge\nwal{mode=\"x} 1\n"));
        Should.Throw<FormatException>(() => PrometheusText.Parse("# TYPE wal gauge\nwal one\n"));
        PrometheusText.Parse("# TYPE wal gauge\nwal{mode=\"a\\\"b\"} 1 1700000000000\n").Samples.Single().Labels["mode"].ShouldBe("a\"b");
    }
}
