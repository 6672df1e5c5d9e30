using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Errors;
using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// The server is stopped (fast shutdown) and started again under concurrent writers, on a server of
/// the fault tests' own so that no other test sees the outage.
/// </summary>
[Collection(DedicatedPostgresServerDefinition.Name)]
public sealed class ServerRestartTests(DedicatedPostgresServer server, ITestOutputHelper output)
{
    private const int Callers = 4;

    /// <summary>Acknowledged writes each caller makes before the outage, and again after it.</summary>
    private const int WritesPerPhase = 3;

    /// <summary>
    /// A hang detector for one write, not a timing requirement: EF's six retries wait about 20 s in
    /// all, and a refused connection fails at once.
    /// </summary>
    private static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Writes_across_a_server_restart_are_stored_once_or_fail_as_connection_failures_and_the_pool_recovers()
    {
        output.WriteLine($"server: {server.Description}");
        var connectionString = await server.CreateDatabaseAsync("server_restart");
        await using var services = TestDatabase.BuildServices(new Dictionary<string, string?>
        {
            ["database:driver"] = "postgres",
            ["database:conn_string"] = connectionString,
        });
        await services.GetRequiredService<MigrationRunner>().UpAsync();
        var writer = services.GetRequiredService<IDatabaseWriter>();

        await using var load = await NumberedWriteLoad.StartAsync(writer, Callers, WriteBound);

        await Poll.UntilAsync(() => load.AcknowledgedPerCaller(after: long.MinValue).All(count => count >= WritesPerPhase), "writes before the outage", WriteBound);
        var pausedAt = Stopwatch.GetTimestamp();
        await server.StopAsync();
        try
        {
            // The server stays down until each caller has had a write that started after the stop
            // fail. A caller may first spend one retry budget on the write that was in flight at the
            // stop, then another on its next write: twice the bound of one write, as a hang detector.
            await Poll.UntilAsync(() => load.FailedPerCaller(after: pausedAt).All(count => count > 0), "every caller meeting the outage", 2 * WriteBound);
        }
        finally
        {
            // Even when the wait fails: the server is shared with the other fault tests.
            await server.StartAgainAsync();
        }

        var resumedAt = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => load.AcknowledgedPerCaller(after: resumedAt).All(count => count >= WritesPerPhase), "writes after the restart", WriteBound);
        await load.StopAsync();

        var all = load.Outcomes;
        var stored = await NumberedWriteLoad.CountRowsAsync(connectionString);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{all.Count} writes: {all.Count(o => o.Error is null)} acknowledged, {all.Count(o => o.Error is not null)} failed; longest {all.Max(o => o.Elapsed).TotalSeconds:F1} s; outage hit {all.Count(o => o.StartedAt < resumedAt && o.EndedAt > pausedAt)} writes"));
        foreach (var failure in all.Where(o => o.Error is not null))
        {
            output.WriteLine($"caller {failure.Caller} write {failure.Seq}: {failure.Error!.GetType().Name}: {failure.Error.Message}");
        }

        all.Where(o => o.Hung).ShouldBeEmpty($"writes still running after {WriteBound}");
        all.Count(o => o.StartedAt < resumedAt && o.EndedAt > pausedAt).ShouldBeGreaterThan(0, "no write was in flight during the outage, so it tested nothing");
        load.ShouldHaveKeptEveryAcknowledgedWriteOnce(stored, services.GetRequiredService<DbErrorTranslator>(), "write during a restart");
        load.AcknowledgedPerCaller(after: resumedAt).ShouldAllBe(count => count >= WritesPerPhase, "the same services wrote again after the restart");

        // Kept for a failing run's message: the server's own account of the shutdown and restart.
        if (all.Any(o => o.Error is not null || o.Hung))
        {
            output.WriteLine(await server.ReadLogAsync());
        }
    }
}
