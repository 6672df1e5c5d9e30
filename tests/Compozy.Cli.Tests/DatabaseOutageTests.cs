using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Compozy.Data.Testing;
using Xunit.Abstractions;

namespace Compozy.Cli.Tests;

/// <summary>
/// A real <c>compozy start</c> on a PostgreSQL server of the test's own, stopped and started again
/// while the host serves: what needs no database keeps answering, requests that need it get 503
/// with Retry-After, at once once the circuit opened, readiness says why, and the host serves
/// again by itself when the server returns. The timings are printed, never asserted.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    /// <summary>Requests sent together in each round while the server is down.</summary>
    private const int Concurrent = 8;

    /// <summary>A hang detector: the layer retries a dropped connection for about 20 s before it gives up.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task While_postgres_is_down_the_api_answers_503_with_retry_after_health_and_metrics_stay_up_and_it_recovers_without_a_restart()
    {
        await using var server = await ThrowawayPostgresServer.StartAsync();
        var directory = Directory.CreateTempSubdirectory("compozy-outage-");
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["DB_DRIVER"] = "postgres",
                ["DB_CONN_STRING"] = server.ConnectionString,
                ["DB_CIRCUIT_PROBE_INTERVAL"] = "250ms",
            };
            var bootstrap = await CompozyProcess.RunAsync(directory.FullName, environment, "auth", "bootstrap", "--email", "ops@example.com");
            bootstrap.ExitCode.ShouldBe(0, bootstrap.ToString());
            var key = bootstrap.Stdout.TrimEnd().Split('\n')[^1].Trim();

            await using var host = await CompozyProcess.StartHostAsync(directory.FullName, environment);
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Bound };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            (await http.GetAsync(new Uri("/api/v0/me", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK, host.Stderr);

            await server.StopAsync();
            var downAt = Stopwatch.GetTimestamp();
            var rounds = new List<IReadOnlyList<Answer>>();
            while (rounds.Count == 0 || !rounds[^1].All(answer => answer.Detail.Contains("has been unavailable since", StringComparison.Ordinal)))
            {
                Stopwatch.GetElapsedTime(downAt).ShouldBeLessThan(Bound, "the circuit never opened");
                var round = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => SendAsync(http, downAt)));
                rounds.Add(round);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {rounds.Count}: {string.Join(", ", round.Select(answer => $"{(int)answer.Status} in {answer.Took.TotalMilliseconds:F0} ms"))}"));
            }

            var first503 = rounds.SelectMany(round => round).Min(answer => answer.AnsweredAfter);
            var firstRefusal = rounds[^1].Min(answer => answer.AnsweredAfter);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after the server stopped: first 503 at {first503.TotalMilliseconds:F0} ms; round of refusals answered at {firstRefusal.TotalMilliseconds:F0} ms, each in at most {rounds[^1].Max(answer => answer.Took).TotalMilliseconds:F1} ms"));

            rounds.SelectMany(round => round).ShouldAllBe(answer => answer.Status == HttpStatusCode.ServiceUnavailable && answer.Code == "database_unavailable" && answer.RetryAfter != null);
            rounds[^1].ShouldAllBe(answer => answer.RetryAfter == "1", "Retry-After is probe_interval (250ms) in whole seconds");

            var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            health.StatusCode.ShouldBe(HttpStatusCode.OK);
            var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            using (var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()))
            {
                var description = body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("description").GetString();
                output.WriteLine($"readyz: {description}");
                description.ShouldNotBeNull().ShouldStartWith("database unavailable since ");
                description.ShouldEndWith("; retrying every 250ms");
            }

            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            metrics.Split('\n').ShouldContain(line => line.StartsWith("compozy_data_database_available{", StringComparison.Ordinal) && line.EndsWith(" 0", StringComparison.Ordinal));
            metrics.ShouldContain("compozy_data_database_rejected_total{");
            host.Stderr.ShouldContain("Compozy.Data.Health.DatabaseCircuit[4201] database unavailable: circuit opened after 3 consecutive connection failures");
            host.Stderr.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString).Password!);

            await server.StartAgainAsync();
            var upAt = Stopwatch.GetTimestamp();
            await Poll.UntilAsync(
                async () => (await http.GetAsync(new Uri("/api/v0/me", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "the API serving again", Bound);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after the server accepted connections again: /api/v0/me answered 200 at {Stopwatch.GetElapsedTime(upAt).TotalMilliseconds:F0} ms"));
            (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            await Poll.UntilAsync(() => host.Stderr.Contains("[4202] database reachable again: circuit closed after", StringComparison.Ordinal), "the circuit's closing logged", Bound);
            (await host.TerminateAsync(Bound)).ShouldBe(0, host.Stderr);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<Answer> SendAsync(HttpClient http, long downAt)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(new Uri("/api/v0/me", UriKind.Relative));
        var took = Stopwatch.GetElapsedTime(started);
        var body = await response.Content.ReadAsStringAsync();
        string code = string.Empty, detail = string.Empty;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(body);
            code = problem.RootElement.GetProperty("code").GetString() ?? string.Empty;
            detail = problem.RootElement.GetProperty("detail").GetString() ?? string.Empty;
        }

        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;
        return new Answer(response.StatusCode, code, detail, retryAfter, took, Stopwatch.GetElapsedTime(downAt));
    }

    private sealed record Answer(HttpStatusCode Status, string Code, string Detail, string? RetryAfter, TimeSpan Took, TimeSpan AnsweredAfter);
}
