using Compozy.Data.IntegrationTests.Model;
using Compozy.Data.Persistence;
using Compozy.Data.Postgres;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Workflows;
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
        proxy.MarkQueries.ShouldBe(1, "a write through SaveChanges returns no id, so the writer asks for it before COMMIT");
        runs.ShouldBe(1, "the server confirmed the commit, so the write was not run again");
        total.ShouldBe(1, "the caller gets the result of the attempt that committed");
        (await UsageCounter.ReadAsync(db.Services, counter)).ShouldBe(1);
    }

    [Fact]
    public async Task An_upsert_returns_its_transactions_id_with_its_row_so_a_lost_commit_reply_is_confirmed_without_asking_for_the_id()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "commit_reply_lost_upsert")).MigrateAsync();
        await using var proxy = CommitFaultProxy.Start(db.Location);
        await using var services = TestDatabase.BuildServices(Routed(db, proxy));
        var dialect = services.GetRequiredService<IStoreDialect>();
        var workflow = ModelTestData.Workflow();
        var runs = 0;

        proxy.LoseNextCommitReply();
        var stored = await services.GetRequiredService<IDatabaseWriter>().WriteAsync((context, token) =>
        {
            Interlocked.Increment(ref runs);
            return new WorkflowOperations(context, dialect, new StoreOptions(), TimeProvider.System).UpsertStateAsync(workflow, token);
        }).WaitAsync(Bound);

        proxy.DroppedReplies.ShouldBe(1, "the reply to the COMMIT was lost, so the write did fail on the client");
        proxy.MarkQueries.ShouldBe(0, "the upsert returned the transaction's id, so the writer did not ask for it");
        proxy.StatusQueries.ShouldBeGreaterThan(0, "the writer asked the server what became of the transaction");

        // A wrong id would have been reported aborted (or not yet handed out), and the write run again.
        runs.ShouldBe(1, "the server confirmed the commit of the id the upsert returned, so the write was not run again");
        stored.WorkflowExecId.ShouldBe(workflow.WorkflowExecId);
        await using var context = await services.GetRequiredService<IDbContextFactory<CompozyDbContext>>().CreateDbContextAsync();
        (await context.WorkflowStates.CountAsync(row => row.WorkflowExecId == workflow.WorkflowExecId)).ShouldBe(1);
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
