using System.Collections.Concurrent;
using Compozy.Data.Entities;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteGroupCommitTests
{
    private const string BatchSize = "compozy.data.sqlite.writer.batch_size";

    [Fact]
    public async Task Writes_queued_behind_a_busy_writer_commit_together_and_a_failing_one_rolls_back_alone()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "group_commit")).MigrateAsync();
        using var batches = new MeterRecorder(db.Services);
        var gate = new TaskCompletionSource();
        var holding = await HeldWriter.HoldAsync(db.Services.GetRequiredService<SqliteDatabaseWriter>(), gate);

        var writes = Enumerable.Range(0, 20).Select(index => db.Writer.WriteAsync(async (context, _) =>
        {
            context.WorkflowStates.Add(Workflow($"batched-{index}"));
            await Task.CompletedTask;
            if (index == 7)
            {
                throw new InvalidOperationException("unit 7 fails after adding its row");
            }
        })).ToList();
        await HeldWriter.QueueLengthReachesAsync(batches, 20);
        gate.SetResult();
        await holding;

        (await Should.ThrowAsync<InvalidOperationException>(() => writes[7])).Message.ShouldContain("unit 7");
        await Task.WhenAll(writes.Where((_, index) => index != 7));
        batches.Values(BatchSize).ShouldContain(size => size >= 10, $"batch sizes: {string.Join(",", batches.Values(BatchSize))}");
        await using var read = await db.Contexts.CreateDbContextAsync();
        var stored = await read.WorkflowStates.Select(state => state.WorkflowExecId).ToListAsync();
        stored.Count.ShouldBe(19);
        stored.ShouldNotContain("batched-7");
    }

    [Fact]
    public async Task Units_that_fail_after_writing_leave_nothing_and_the_rest_of_their_batch_commits()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "unit_rollback")).MigrateAsync();
        using var batches = new MeterRecorder(db.Services);
        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(Workflow("taken"));
            await context.SaveChangesAsync(token);
        });
        var gate = new TaskCompletionSource();
        var holding = await HeldWriter.HoldAsync(db.Services.GetRequiredService<SqliteDatabaseWriter>(), gate);

        // Every third unit fails after its rows reached the database: a thrown error after
        // SaveChanges, or SQLite's own constraint error on its second row. Only the rollback to
        // the unit's savepoint can take its first row back out of the shared transaction.
        var writes = Enumerable.Range(0, 12).Select(index => db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(Workflow($"unit-{index}"));
            await context.SaveChangesAsync(token);
            switch (index % 3)
            {
                case 1:
                    throw new InvalidOperationException($"unit {index} fails after writing");
                case 2:
                    context.WorkflowStates.Add(Workflow("taken"));
                    await context.SaveChangesAsync(token);
                    break;
            }
        })).ToList();
        await HeldWriter.QueueLengthReachesAsync(batches, 12);
        gate.SetResult();
        await holding;

        for (var index = 0; index < writes.Count; index++)
        {
            switch (index % 3)
            {
                case 0:
                    await writes[index];
                    break;
                case 1:
                    (await Should.ThrowAsync<InvalidOperationException>(() => writes[index])).Message.ShouldContain($"unit {index}");
                    break;
                default:
                    await Should.ThrowAsync<DbUpdateException>(() => writes[index]);
                    break;
            }
        }

        batches.Values(BatchSize).ShouldContain(size => size >= 12, $"batch sizes: {string.Join(",", batches.Values(BatchSize))}");
        await using var read = await db.Contexts.CreateDbContextAsync();
        var stored = await read.WorkflowStates.Select(state => state.WorkflowExecId).ToListAsync();
        stored.Order(StringComparer.Ordinal).ShouldBe(["taken", "unit-0", "unit-3", "unit-6", "unit-9"]);

        // The savepoint of the last batch is gone with it: the next write is a transaction of its own.
        await db.Writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(Workflow("after"));
            await context.SaveChangesAsync(token);
        });
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'after'").ShouldBe(1);
    }

    [Fact]
    public async Task Every_caller_is_answered_after_its_batch_committed()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "after_commit")).MigrateAsync();
        var missing = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 64).Select(index => Task.Run(async () =>
        {
            var id = $"visible-{index}";
            await db.Writer.WriteAsync(async (context, _) =>
            {
                context.WorkflowStates.Add(Workflow(id));
                await Task.CompletedTask;
            });

            // A separate connection sees only committed data.
            if (SqliteTestFiles.Count(db.Location, $"SELECT count(*) FROM workflow_states WHERE workflow_exec_id = '{id}'") != 1)
            {
                missing.Add(id);
            }
        })));

        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_queue_makes_callers_wait_and_a_waiting_or_queued_write_is_cancelled_at_once_without_running()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "backpressure", new Dictionary<string, string?>
        {
            ["database:sqlite:writer_queue_capacity"] = "1",
        })).MigrateAsync();
        using var gauges = new MeterRecorder(db.Services);
        var gate = new TaskCompletionSource();
        var holding = await HeldWriter.HoldAsync(db.Services.GetRequiredService<SqliteDatabaseWriter>(), gate);
        var ran = new ConcurrentBag<string>();

        using var queuedCancel = new CancellationTokenSource();
        var queued = db.Writer.WriteAsync(Recording("queued", ran), queuedCancel.Token);
        using var waitingCancel = new CancellationTokenSource();
        var waiting = db.Writer.WriteAsync(Recording("waiting", ran), waitingCancel.Token);
        await HeldWriter.QueueLengthReachesAsync(gauges, 2);
        waiting.IsCompleted.ShouldBeFalse("the queue holds one write; the second waits to enqueue");

        await waitingCancel.CancelAsync();
        await queuedCancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
        await Should.ThrowAsync<OperationCanceledException>(() => queued.WaitAsync(TimeSpan.FromSeconds(30)));
        gate.SetResult();
        await holding;

        await db.Writer.WriteAsync(Recording("after", ran));
        ran.ShouldBe(["after"]);
    }

    [Fact]
    public async Task A_write_started_inside_another_write_is_refused_instead_of_deadlocking()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "nested")).MigrateAsync();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => db.Writer.WriteAsync(async (_, token) =>
            await db.Writer.WriteAsync((_, _) => Task.FromResult(true), token)));

        error.Message.ShouldContain("from inside another write");
    }

    [Fact]
    public async Task Without_group_commit_every_write_is_its_own_transaction()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "no_group_commit", new Dictionary<string, string?>
        {
            ["database:sqlite:group_commit"] = "false",
        })).MigrateAsync();
        using var batches = new MeterRecorder(db.Services);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(index => db.Writer.WriteAsync(async (context, _) =>
        {
            context.WorkflowStates.Add(Workflow($"single-{index}"));
            await Task.CompletedTask;
        })));

        batches.Values(BatchSize).Count.ShouldBe(40);
        batches.Values(BatchSize).ShouldAllBe(size => size == 1);
    }

    private static Func<Compozy.Data.Persistence.CompozyDbContext, CancellationToken, Task<bool>> Recording(string name, ConcurrentBag<string> ran) =>
        async (context, _) =>
        {
            ran.Add(name);
            context.WorkflowStates.Add(Workflow(name));
            await Task.CompletedTask;
            return true;
        };

    private static WorkflowState Workflow(string id) => new()
    {
        WorkflowExecId = id,
        WorkflowId = "group-commit",
        Status = ExecutionStatus.Running,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
