using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Errors;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A primary with a synchronous streaming standby dies under concurrent writers; the standby is
/// promoted, and the layer, configured with a multi-host connection string that asks for the
/// primary, writes on to it. Every acknowledged write must be on the promoted server exactly once.
/// The servers are the test's own (<see cref="IReplicatedPostgresPair"/>).
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Callers = 4;

    /// <summary>Acknowledged writes each caller makes before the crash, and again after the promotion.</summary>
    private const int WritesPerPhase = 3;

    /// <summary>
    /// A hang detector for one write, not a timing requirement: EF's six retries wait about 20 s in
    /// all, a refused connection fails at once, and Npgsql looks at a host it knew as a standby
    /// again after Host Recheck Seconds.
    /// </summary>
    private static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(60);

    /// <summary>Replication and shutdown take well under a second here; this only catches a hang.</summary>
    private static readonly TimeSpan ServerBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Writes_resume_on_the_promoted_standby_with_every_acknowledged_write_stored_once()
    {
        await using var pair = await ReplicatedPostgresPair.StartAsync();
        output.WriteLine($"servers: {pair.Description}");
        var database = string.Create(CultureInfo.InvariantCulture, $"failover_{Guid.NewGuid():N}");

        // Synchronous replication is what makes an acknowledged commit survive the primary: COMMIT
        // returns once the standby has flushed it. The servers start with synchronous_commit=off (a
        // test setting), so the database turns it back on for every session in it.
        await ExecuteAsync(
            pair.PrimaryConnectionString,
            $"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'",
            $"ALTER DATABASE \"{database}\" SET synchronous_commit = on",
            "ALTER SYSTEM SET synchronous_standby_names = '*'",
            "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => StandbyIsSynchronousAndCaughtUpAsync(pair.PrimaryConnectionString), "the standby streaming synchronously and caught up", ServerBound);

        var primary = new NpgsqlConnectionStringBuilder(pair.PrimaryConnectionString);
        var standby = new NpgsqlConnectionStringBuilder(pair.StandbyConnectionString);
        var connectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"Host={primary.Host}:{primary.Port},{standby.Host}:{standby.Port};Database={database};Username={primary.Username};Password={primary.Password};Target Session Attributes=primary;Host Recheck Seconds=2");
        await using var services = TestDatabase.BuildServices(new Dictionary<string, string?>
        {
            ["database:driver"] = "postgres",
            ["database:conn_string"] = connectionString,
            ["database:ssl_mode"] = "disable",
        });
        var writer = services.GetRequiredService<IDatabaseWriter>();

        (await writer.WriteAsync((context, token) => context.Database.SqlQueryRaw<string>("SELECT current_setting('synchronous_commit') AS \"Value\"").SingleAsync(token)))
            .ShouldBe("on", "the layer's sessions must commit synchronously for the guarantee to hold");

        await using var load = await NumberedWriteLoad.StartAsync(writer, Callers, WriteBound);
        await Poll.UntilAsync(() => load.AcknowledgedPerCaller(after: long.MinValue).All(count => count >= WritesPerPhase), "writes before the crash", WriteBound);
        var crashedAt = Stopwatch.GetTimestamp();
        await pair.CrashPrimaryAsync();
        await Poll.UntilAsync(async () => !await AcceptsConnectionsAsync(pair.PrimaryConnectionString), "the primary refusing connections", ServerBound);
        var goneAt = Stopwatch.GetTimestamp();
        await ExecuteAsync(pair.StandbyConnectionString, "SELECT pg_promote(wait => true)");
        var promotedAt = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => load.AcknowledgedPerCaller(after: promotedAt).All(count => count >= WritesPerPhase), "writes after the promotion", WriteBound);
        await load.StopAsync();

        var all = load.Outcomes;
        var promoted = new NpgsqlConnectionStringBuilder(pair.StandbyConnectionString) { Database = database }.ConnectionString;
        var stored = await NumberedWriteLoad.CountRowsAsync(promoted);
        var inFlight = all.Count(o => o.StartedAt < crashedAt && o.EndedAt > crashedAt);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{all.Count} writes: {all.Count(o => o.Acknowledged)} acknowledged, {all.Count(o => o.Error is not null)} failed; {inFlight} in flight at the crash; longest {all.Max(o => o.Elapsed).TotalSeconds:F1} s; writes acknowledged again {FirstAcknowledgedAfter(all, goneAt):F1} s after the primary was gone ({Stopwatch.GetElapsedTime(goneAt, promotedAt).TotalSeconds:F1} s of it before the promotion returned)"));
        foreach (var failure in all.Where(o => o.Error is not null))
        {
            output.WriteLine($"caller {failure.Caller} write {failure.Seq}: {failure.Error!.GetType().Name}: {failure.Error.Message}");
        }

        try
        {
            all.Where(o => o.Hung).ShouldBeEmpty($"writes still running after {WriteBound}");
            inFlight.ShouldBeGreaterThan(0, "no write was in flight when the primary died, so the failover tested nothing");
            (await CountAsync(promoted, "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END")).ShouldBe(0, "the standby was promoted");
            all.Where(o => o.Error is not null && o.StartedAt > goneAt).ShouldBeEmpty(
                "a write started once the primary was gone has no COMMIT in doubt: it must wait out the promotion through the retries");
            load.ShouldHaveKeptEveryAcknowledgedWriteOnce(stored, services.GetRequiredService<DbErrorTranslator>(), "write during a failover");
        }
        catch
        {
            output.WriteLine(await pair.ReadLogsAsync());
            throw;
        }
    }

    private static double FirstAcknowledgedAfter(IEnumerable<WriteOutcome> outcomes, long goneAt) =>
        outcomes.Where(o => o.Acknowledged && o.EndedAt > goneAt).Select(o => Stopwatch.GetElapsedTime(goneAt, o.EndedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Min();

    /// <summary>The standby streams, is the synchronous one, and has replayed everything the primary wrote (LSN comparison).</summary>
    private static async Task<bool> StandbyIsSynchronousAndCaughtUpAsync(string primary) =>
        await CountAsync(
            primary,
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync' AND replay_lsn >= pg_current_wal_lsn()") == 1;

    private static async Task<bool> AcceptsConnectionsAsync(string connectionString)
    {
        try
        {
            await CountAsync(connectionString, "SELECT 1");
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> CountAsync(string connectionString, string query)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
