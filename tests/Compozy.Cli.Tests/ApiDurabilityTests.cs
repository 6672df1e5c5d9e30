using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

public sealed class ApiDurabilityTests
{
    private const int Rounds = 4;
    private const int Writers = 24;

    [Fact]
    public async Task Every_write_answered_2xx_survives_sigkill_of_the_server_on_sqlite()
    {
        await using var api = await ApiSession.StartAsync(DatabaseKind.Sqlite, "api_kill");
        var acknowledged = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(20261122);

        for (var round = 0; round < Rounds; round++)
        {
            using var stop = new CancellationTokenSource();
            var acknowledgedThisRound = 0;
            using var http = api.Client(api.AdminKey);
            http.Timeout = TimeSpan.FromSeconds(10);
            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
                {
                    var id = $"r{round}-w{writer}-{sequence}";
                    try
                    {
                        using var response = await http.PutAsync(
                            new Uri($"/api/v0/workflows/{id}", UriKind.Relative),
                            ApiSession.Json($$$"""{"workflow_id":"kill","status":"RUNNING","input":{"sequence":{{{sequence}}}}}"""));
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged[id] = sequence;
                            Interlocked.Increment(ref acknowledgedThisRound);
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        // The server died under this request: it was never acknowledged.
                        return;
                    }
                }
            })).ToList();

            // Kill at a random moment once the writers are in full flow. Full flow is counted in
            // acknowledged writes rather than waited for by the clock: a loaded CI machine may need
            // seconds for what takes a fraction of one on a quiet one.
            // The moment is random in writes, not in time: somewhere in the next few batches.
            var killAfter = (2 * Writers) + random.Next(0, 20 * Writers);
            await Poll.UntilAsync(() => Volatile.Read(ref acknowledgedThisRound) >= killAfter, $"round {round}: {killAfter} acknowledged writes", TimeSpan.FromSeconds(120));
            await api.Host.KillAsync();
            stop.Cancel();
            await Task.WhenAll(writers);
            await api.RestartAsync();
        }

        using var reader = api.Client(api.AdminKey);
        var missing = new List<string>();
        foreach (var (id, sequence) in acknowledged)
        {
            using var response = await reader.GetAsync(new Uri($"/api/v0/workflows/{id}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                missing.Add(id);
                continue;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("input").GetProperty("sequence").GetInt32().ShouldBe(sequence);
        }

        missing.ShouldBeEmpty($"{missing.Count} of {acknowledged.Count} acknowledged writes were lost");
        (await api.Host.TerminateAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
        var check = await api.Cli.RunAsync("db", "status", "--check", "full");
        check.ExitCode.ShouldBe(0, check.ToString());
        check.Stdout.ShouldMatch(@"integrity_ok\s+true");
    }
}
