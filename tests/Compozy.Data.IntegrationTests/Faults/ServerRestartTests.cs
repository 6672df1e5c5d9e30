using System.Collections.Concurrent;
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

        // No key on purpose: a write applied twice shows up as two rows.
        await writer.WriteAsync((context, token) => context.Database.ExecuteSqlRawAsync("CREATE TABLE fault_writes (caller int NOT NULL, seq int NOT NULL)", token));

        var outcomes = new ConcurrentQueue<Outcome>();
        using var finish = new CancellationTokenSource();
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(() => WriteLoopAsync(writer, caller, outcomes, finish.Token))).ToArray();

        await Poll.UntilAsync(() => AcknowledgedPerCaller(outcomes, after: long.MinValue).All(count => count >= WritesPerPhase), "writes before the outage", WriteBound);
        var pausedAt = Stopwatch.GetTimestamp();
        await server.StopAsync();
        await Poll.UntilAsync(() => FailedPerCaller(outcomes, after: pausedAt).All(count => count > 0), "every caller meeting the outage", WriteBound);
        await server.StartAgainAsync();
        var resumedAt = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => AcknowledgedPerCaller(outcomes, after: resumedAt).All(count => count >= WritesPerPhase), "writes after the restart", WriteBound);
        await finish.CancelAsync();
        await Task.WhenAll(callers);

        var all = outcomes.ToArray();
        var stored = await CountRowsAsync(connectionString);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{all.Length} writes: {all.Count(o => o.Error is null)} acknowledged, {all.Count(o => o.Error is not null)} failed; longest {all.Max(o => o.Elapsed).TotalSeconds:F1} s; outage hit {all.Count(o => o.StartedAt < resumedAt && o.EndedAt > pausedAt)} writes"));
        foreach (var failure in all.Where(o => o.Error is not null))
        {
            output.WriteLine($"caller {failure.Caller} write {failure.Seq}: {failure.Error!.GetType().Name}: {failure.Error.Message}");
        }

        all.Where(o => o.Hung).ShouldBeEmpty($"writes still running after {WriteBound}");
        all.Count(o => o.StartedAt < resumedAt && o.EndedAt > pausedAt).ShouldBeGreaterThan(0, "no write was in flight during the outage, so it tested nothing");
        stored.Where(row => row.Value > 1).ShouldBeEmpty("no write may be applied twice");
        foreach (var acknowledged in all.Where(o => o.Error is null))
        {
            stored.GetValueOrDefault((acknowledged.Caller, acknowledged.Seq)).ShouldBe(1, $"caller {acknowledged.Caller} write {acknowledged.Seq} was acknowledged");
        }

        var translator = services.GetRequiredService<DbErrorTranslator>();
        foreach (var failed in all.Where(o => o.Error is not null))
        {
            var kind = translator.Translate(failed.Error!, "write during a restart")?.Kind;
            kind.ShouldBe(DbErrorKind.ConnectionFailed, failed.Error!.ToString());
        }

        stored.Keys.ShouldAllBe(key => all.Any(o => o.Caller == key.Caller && o.Seq == key.Seq), "only writes that were made are stored");
        AcknowledgedPerCaller(outcomes, after: resumedAt).ShouldAllBe(count => count >= WritesPerPhase, "the same services wrote again after the restart");

        // Kept for a failing run's message: the server's own account of the shutdown and restart.
        if (all.Any(o => o.Error is not null || o.Hung))
        {
            output.WriteLine(await server.ReadLogAsync());
        }
    }

    private static async Task WriteLoopAsync(IDatabaseWriter writer, int caller, ConcurrentQueue<Outcome> outcomes, CancellationToken finish)
    {
        for (var seq = 0; !finish.IsCancellationRequested; seq++)
        {
            var started = Stopwatch.GetTimestamp();
            var number = seq;
            // Not cancelled when the loop finishes: a write in flight runs to its outcome.
            var write = writer.WriteAsync(
                (context, token) => context.Database.ExecuteSqlAsync($"INSERT INTO fault_writes (caller, seq) VALUES ({caller}, {number})", token),
                CancellationToken.None);
            Exception? error = null;
            var hung = false;
            try
            {
                await write.WaitAsync(WriteBound, CancellationToken.None);
            }
            catch (TimeoutException) when (!write.IsCompleted)
            {
                hung = true;
            }
            catch (Exception exception)
            {
                error = exception;
            }

            outcomes.Enqueue(new Outcome(caller, seq, started, Stopwatch.GetTimestamp(), error, hung));
            if (hung)
            {
                return;
            }

            // Keeps four callers from saturating two shared cores; the outage still catches writes in flight.
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    /// <summary>The server stays down until each caller has had a write that started after the stop fail.</summary>
    private static IEnumerable<int> FailedPerCaller(IEnumerable<Outcome> outcomes, long after) =>
        Enumerable.Range(0, Callers).Select(caller => outcomes.Count(o => o.Caller == caller && o.Error is not null && o.StartedAt > after));

    private static IEnumerable<int> AcknowledgedPerCaller(IEnumerable<Outcome> outcomes, long after) =>
        Enumerable.Range(0, Callers).Select(caller => outcomes.Count(o => o.Caller == caller && o.Error is null && !o.Hung && o.StartedAt > after));

    private static async Task<Dictionary<(int Caller, int Seq), int>> CountRowsAsync(string connectionString)
    {
        var counts = new Dictionary<(int Caller, int Seq), int>();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT caller, seq, count(*)::int FROM fault_writes GROUP BY caller, seq", connection);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    private sealed record Outcome(int Caller, int Seq, long StartedAt, long EndedAt, Exception? Error, bool Hung)
    {
        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartedAt, EndedAt);
    }
}
