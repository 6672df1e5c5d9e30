using Compozy.Data.Persistence;
using Compozy.Data.Postgres;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// The server commits but its reply to COMMIT never reaches the client, so the client cannot tell a
/// committed write from a lost one. The writer asks the server (pg_xact_status) instead of running
/// the write again.
/// </summary>
public sealed class CommitReplyLostTests
{
    /// <summary>A hang detector, far above the few hundred milliseconds these writes take.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_commit_whose_reply_is_lost_is_confirmed_with_the_server_and_the_increment_is_applied_once()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "commit_reply_lost")).MigrateAsync();
        var counter = await UsageCounter.CreateAsync(db.Services);
        await using var proxy = CommitFaultProxy.Start(db.Location);
        await using var services = TestDatabase.BuildServices(Routed(db, proxy));
        var runs = 0;

        proxy.LoseNextCommitReply();
        var total = await services.GetRequiredService<IDatabaseWriter>().WriteAsync((context, token) =>
        {
            Interlocked.Increment(ref runs);
            return UsageCounter.IncrementAsync(context, counter, token);
        }).WaitAsync(Bound);

        proxy.DroppedReplies.ShouldBe(1, "the reply to the COMMIT was lost, so the write did fail on the client");
        runs.ShouldBe(1, "the server confirmed the commit, so the write was not run again");
        total.ShouldBe(1, "the caller gets the result of the attempt that committed");
        (await UsageCounter.ReadAsync(db.Services, counter)).ShouldBe(1);
    }

    [Fact]
    public async Task Without_asking_the_server_the_same_lost_reply_applies_the_increment_twice()
    {
        // The control for the test above: the same fault under EF's retrying strategy alone (what the
        // writer did before it verified commits), proving the fault is real and would double the write.
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "commit_reply_blind")).MigrateAsync();
        var counter = await UsageCounter.CreateAsync(db.Services);
        await using var proxy = CommitFaultProxy.Start(db.Location);
        await using var services = TestDatabase.BuildServices(Routed(db, proxy));
        await using var context = new CompozyDbContext(services.GetRequiredService<PostgresDbContextOptionsConfigurer>().CreateWriterOptions());
        var runs = 0;

        proxy.LoseNextCommitReply();
        await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            runs++;
            context.ChangeTracker.Clear();
            await using var transaction = await context.Database.BeginTransactionAsync();
            await UsageCounter.IncrementAsync(context, counter, CancellationToken.None);
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }).WaitAsync(Bound);

        proxy.DroppedReplies.ShouldBe(1);
        runs.ShouldBe(2);
        (await UsageCounter.ReadAsync(db.Services, counter)).ShouldBe(2, "the committed increment was applied again by the retry");
    }

    private static Dictionary<string, string?> Routed(TestDatabase db, CommitFaultProxy proxy) =>
        new(db.Settings, StringComparer.OrdinalIgnoreCase) { ["database:conn_string"] = proxy.Route(db.Location) };
}
