using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// The connection dies while the server is still working on the COMMIT, so the server answers
/// "in progress" when asked. Running the write again then could apply it twice once the first
/// COMMIT completes; the writer asks again until the outcome is decided.
/// </summary>
[Collection(DedicatedPostgresServerDefinition.Name)]
public sealed class CommitInProgressTests(DedicatedPostgresServer server)
{
    /// <summary>A hang detector; the strategy asks again after about 1 s, then 3 s.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_commit_still_in_progress_when_the_connection_dies_is_waited_for_and_not_run_again()
    {
        // A synchronous standby that never connects holds a COMMIT that asks for it after the commit
        // is written locally, still "in progress", until the setting is withdrawn. It is a server-wide
        // setting, so it needs a server of the tests' own; that server runs with
        // synchronous_commit=off, so only the transaction that turns it on waits.
        var connectionString = await server.CreateDatabaseAsync("commit_in_progress");
        await server.ExecuteAsync("ALTER SYSTEM SET synchronous_standby_names = 'compozy_absent_standby'", "SELECT pg_reload_conf()");
        try
        {
            await CommitWaitingForTheStandbyAsync(connectionString);
        }
        finally
        {
            // Withdrawn again if the test failed before it did, for the next test on the server.
            await server.ExecuteAsync("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
        }
    }

    private async Task CommitWaitingForTheStandbyAsync(string connectionString)
    {
        await using var direct = TestDatabase.BuildServices(Settings(connectionString));
        await direct.GetRequiredService<MigrationRunner>().UpAsync();
        var counter = await UsageCounter.CreateAsync(direct);
        await using var proxy = CommitFaultProxy.Start(connectionString);
        await using var services = TestDatabase.BuildServices(Settings(proxy.Route(connectionString)));
        var runs = 0;

        proxy.CutConnectionAtNextCommit();
        var write = services.GetRequiredService<IDatabaseWriter>().WriteAsync(async (context, token) =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                await context.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = on", token);
            }

            return await UsageCounter.IncrementAsync(context, counter, token);
        });
        await Poll.UntilAsync(
            () => proxy.StatusQueries >= 2 || write.IsCompleted || Volatile.Read(ref runs) > 1, "the writer asking the server a second time", Bound);

        proxy.CutConnections.ShouldBe(1);
        (await server.CountAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")).ShouldBe(1, "the first COMMIT is still waiting for the standby");
        runs.ShouldBe(1, "told 'in progress', the writer did not run the write again");
        write.IsCompleted.ShouldBeFalse("told 'in progress', the writer waits for the outcome");

        await server.ExecuteAsync("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
        (await write.WaitAsync(Bound)).ShouldBe(1, "the first attempt committed, and its result is the answer");
        runs.ShouldBe(1);
        (await UsageCounter.ReadAsync(direct, counter)).ShouldBe(1);
    }

    private static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["database:driver"] = "postgres",
        ["database:conn_string"] = connectionString,
    };
}
