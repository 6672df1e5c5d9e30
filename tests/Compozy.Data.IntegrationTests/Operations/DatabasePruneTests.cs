using System.Globalization;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Entities;
using Compozy.Data.Operations;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Compozy.Data.IntegrationTests.Operations;

/// <summary>
/// <see cref="IDatabasePrune"/>: a dry run changes nothing; a prune deletes exactly the finished
/// executions older than the cutoff in the statuses asked for, with their tasks and usage rows,
/// in batches, and on SQLite gives the pages back; the schedule in a host prunes on its interval.
/// </summary>
public sealed class DatabasePruneTests
{
    private const int PerGroup = 6;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    // Every status, each old (40 days) and recent (10 days): only the old SUCCESS and FAILED ones
    // match a prune of 30d, SUCCESS,FAILED.
    private static readonly ExecutionStatus[] AllStatuses = Enum.GetValues<ExecutionStatus>();

    [Theory, DatabaseData]
    public async Task A_dry_run_counts_and_changes_nothing_and_a_prune_in_batches_deletes_exactly_the_old_finished_executions_asked_for(DatabaseKind kind)
    {
        var clock = new FakeTimeProvider(Now);
        await using var db = await (await TestDatabase.CreateAsync(kind, "prune_rows", clock: clock)).MigrateAsync();
        await SeedAsync(db);
        var before = await SnapshotAsync(db);
        var pagesBefore = kind == DatabaseKind.Sqlite ? PageCount(db.Location) : 0;
        var prune = db.Services.GetRequiredService<IDatabasePrune>();
        var request = new PruneRequest { OlderThan = TimeSpan.FromDays(30), Statuses = [ExecutionStatus.Success, ExecutionStatus.Failed], BatchSize = 5 };
        const int Matching = 2 * PerGroup;

        var dryRun = await prune.PruneAsync(request with { DryRun = true }, CancellationToken.None);

        dryRun["dry_run"].ShouldBe(true);
        dryRun["workflows"].ShouldBe(Matching);
        dryRun["tasks"].ShouldBe(Matching * 2);
        dryRun["usage_rows"].ShouldBe(Matching * 3);
        dryRun["batches"].ShouldBe(0);
        dryRun["vacuum"].ShouldBe("skipped");
        dryRun["cutoff"].ShouldBe("2026-11-01T12:00:00.000Z");
        (await SnapshotAsync(db)).ShouldBe(before, "a dry run changes no row");

        var report = await prune.PruneAsync(request, CancellationToken.None);

        report["dry_run"].ShouldBe(false);
        report["workflows"].ShouldBe(Matching);
        report["tasks"].ShouldBe(Matching * 2);
        report["usage_rows"].ShouldBe(Matching * 3);
        report["batches"].ShouldBe(3, "12 executions in batches of 5");
        var after = await SnapshotAsync(db);
        var expected = before.Where(row => !IsPruned(row)).ToList();
        after.ShouldBe(expected, "exactly the old SUCCESS and FAILED executions, their tasks and their usage rows are gone");
        before.Count(IsPruned).ShouldBe(Matching * 6, "each pruned execution had 2 tasks and 3 usage rows");
        after.ShouldContain(row => row.StartsWith("workflow old-RUNNING-", StringComparison.Ordinal));
        after.ShouldContain(row => row.StartsWith("workflow new-SUCCESS-", StringComparison.Ordinal));
        after.ShouldContain(row => row.StartsWith("workflow old-CANCELED-", StringComparison.Ordinal));

        if (kind == DatabaseKind.Sqlite)
        {
            report["vacuum"].ShouldBe("incremental");
            ((long)report["pages_freed"]!).ShouldBeGreaterThan(Matching * 2, "each pruned execution held a 16 KiB input, four pages or more");
            report["freelist_pages_after"].ShouldBe(0L);
            PageCount(db.Location).ShouldBeLessThan(pagesBefore - (Matching * 2));
        }
        else
        {
            report["vacuum"].ShouldBe("vacuum_analyze");
            report["database_bytes_after"].ShouldBeOfType<long>();
        }

        var again = await prune.PruneAsync(request, CancellationToken.None);
        again["workflows"].ShouldBe(0);
        again["batches"].ShouldBe(0);
        again["vacuum"].ShouldBe("skipped");
    }

    [Theory, DatabaseData]
    public async Task A_request_for_a_status_that_is_not_finished_or_an_age_out_of_range_is_refused_and_touches_nothing(DatabaseKind kind)
    {
        await using var db = await (await TestDatabase.CreateAsync(kind, "prune_refused", clock: new FakeTimeProvider(Now))).MigrateAsync();
        await SeedAsync(db);
        var before = await SnapshotAsync(db);
        var prune = db.Services.GetRequiredService<IDatabasePrune>();

        (await Should.ThrowAsync<ArgumentOutOfRangeException>(() => prune.PruneAsync(
            new PruneRequest { OlderThan = TimeSpan.FromDays(1), Statuses = [ExecutionStatus.Success, ExecutionStatus.Running] }, CancellationToken.None)))
            .ParamName.ShouldBe("Statuses");
        (await Should.ThrowAsync<ArgumentOutOfRangeException>(() => prune.PruneAsync(
            new PruneRequest { OlderThan = TimeSpan.Zero }, CancellationToken.None)))
            .ParamName.ShouldBe("OlderThan");
        (await Should.ThrowAsync<ArgumentOutOfRangeException>(() => prune.PruneAsync(
            new PruneRequest { OlderThan = TimeSpan.FromDays(1), BatchSize = 0 }, CancellationToken.None)))
            .ParamName.ShouldBe("BatchSize");
        (await SnapshotAsync(db)).ShouldBe(before);
    }

    [Theory, DatabaseData]
    public async Task The_schedule_in_a_host_prunes_when_its_interval_passes_on_the_clock_and_logs_the_counts(DatabaseKind kind)
    {
        var clock = new FakeTimeProvider(Now);
        using var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>
        {
            ["database:retention:interval"] = "1h",
            ["database:retention:older_than"] = "30d",
            ["database:retention:statuses"] = "success",
        };
        await using var db = await (await TestDatabase.CreateAsync(kind, "prune_schedule", settings, clock, logs)).MigrateAsync();
        await SeedAsync(db);
        var before = await SnapshotAsync(db);
        var schedule = db.Services.GetServices<IHostedService>().OfType<ScheduledPruneService>().Single();

        await schedule.StartAsync(CancellationToken.None);
        try
        {
            await logs.WaitForAsync("scheduled prune every 1h: finished workflow executions (SUCCESS) older than 30d", Wait);
            (await SnapshotAsync(db)).ShouldBe(before, "nothing is pruned before the first interval");

            clock.Advance(TimeSpan.FromHours(1));
            var completed = await logs.WaitForAsync("scheduled prune completed", Wait);

            completed.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"workflows={PerGroup} tasks={PerGroup * 2} usage_rows={PerGroup * 3} batches=1"));
            (await SnapshotAsync(db)).ShouldBe(before.Where(row => !row.Contains("old-SUCCESS-", StringComparison.Ordinal)).ToList());
        }
        finally
        {
            await schedule.StopAsync(CancellationToken.None);
        }
    }

    [Theory, DatabaseData]
    public async Task A_reloaded_interval_and_statuses_take_effect_from_the_reload_not_after_the_old_interval(DatabaseKind kind)
    {
        var clock = new FakeTimeProvider(Now);
        using var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>
        {
            ["database:retention:interval"] = "1d",
            ["database:retention:older_than"] = "30d",
            ["database:retention:statuses"] = "failed",
        };
        await using var db = await (await TestDatabase.CreateAsync(kind, "prune_reload", settings, clock, logs)).MigrateAsync();
        await SeedAsync(db);
        var before = await SnapshotAsync(db);
        var schedule = db.Services.GetServices<IHostedService>().OfType<ScheduledPruneService>().Single();

        await schedule.StartAsync(CancellationToken.None);
        try
        {
            await logs.WaitForAsync("scheduled prune every 1d", Wait);
            var live = db.Services.GetRequiredService<LiveOptions<CompozyDataOptions>>();
            var running = live.Current;
            live.Publish(new CompozyDataOptions
            {
                Database = new DatabaseOptions
                {
                    Driver = running.Database.Driver,
                    AutoMigrate = running.Database.AutoMigrate,
                    MigrationTimeout = running.Database.MigrationTimeout,
                    SlowOperationThreshold = running.Database.SlowOperationThreshold,
                    Retention = new RetentionOptions { Interval = TimeSpan.FromHours(1), OlderThan = TimeSpan.FromDays(30), Statuses = [ExecutionStatus.Success] },
                },
                Knowledge = running.Knowledge,
            });

            // An hour on the clock: the day the schedule started with has not passed, the new hour has.
            clock.Advance(TimeSpan.FromHours(1));
            var completed = await logs.WaitForAsync("scheduled prune completed", Wait);

            completed.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"workflows={PerGroup} "));
            (await SnapshotAsync(db)).ShouldBe(before.Where(row => !row.Contains("old-SUCCESS-", StringComparison.Ordinal)).ToList());
        }
        finally
        {
            await schedule.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_an_interval_no_schedule_is_registered()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "prune_no_schedule");

        db.Services.GetServices<IHostedService>().OfType<ScheduledPruneService>().ShouldBeEmpty();
    }

    private static bool IsPruned(string row) =>
        row.Contains("old-SUCCESS-", StringComparison.Ordinal) || row.Contains("old-FAILED-", StringComparison.Ordinal);

    /// <summary>
    /// For each status, old and new executions, each with a parent task, a child task, and a
    /// usage row for the workflow and for each task.
    /// </summary>
    private static async Task SeedAsync(TestDatabase db)
    {
        using var input = JsonDocument.Parse(JsonSerializer.Serialize(new { text = new string('x', 16_384) }));
        await db.Writer.WriteAsync(async (context, token) =>
        {
            foreach (var status in AllStatuses)
            {
                foreach (var (age, days) in new[] { ("old", 40), ("new", 10) })
                {
                    for (var index = 0; index < PerGroup; index++)
                    {
                        var id = string.Create(CultureInfo.InvariantCulture, $"{age}-{StoredNames.Of(status)}-{index}");
                        var at = Now.UtcDateTime.AddDays(-days);
                        context.WorkflowStates.Add(new WorkflowState
                        {
                            WorkflowExecId = id, WorkflowId = "prune", Status = status, Input = input.RootElement.Clone(), CreatedAt = at, UpdatedAt = at,
                        });
                        context.TaskStates.Add(new TaskState
                        {
                            TaskExecId = id + "-parent", TaskId = "parent", Component = "task", Status = status, WorkflowExecId = id, WorkflowId = "prune", CreatedAt = at, UpdatedAt = at,
                        });
                        context.TaskStates.Add(new TaskState
                        {
                            TaskExecId = id + "-child", TaskId = "child", Component = "task", Status = status, WorkflowExecId = id, WorkflowId = "prune",
                            ParentStateId = id + "-parent", CreatedAt = at, UpdatedAt = at,
                        });
                        context.ExecutionLlmUsage.Add(Usage(id, null, at));
                        context.ExecutionLlmUsage.Add(Usage(null, id + "-parent", at));
                        context.ExecutionLlmUsage.Add(Usage(null, id + "-child", at));
                    }
                }
            }

            await context.SaveChangesAsync(token);
        });
    }

    private static ExecutionLlmUsage Usage(string? workflowExecId, string? taskExecId, DateTime at) => new()
    {
        WorkflowExecId = workflowExecId,
        TaskExecId = taskExecId,
        Component = "agent",
        Provider = "openai",
        Model = "gpt",
        PromptTokens = 3,
        CompletionTokens = 4,
        TotalTokens = 7,
        CreatedAt = at,
        UpdatedAt = at,
    };

    /// <summary>Every row of the three tables, as sortable text with the columns a prune could change.</summary>
    private static async Task<List<string>> SnapshotAsync(TestDatabase db)
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        var rows = new List<string>();
        rows.AddRange((await context.WorkflowStates.AsNoTracking().ToListAsync()).Select(workflow =>
            string.Create(CultureInfo.InvariantCulture, $"workflow {workflow.WorkflowExecId} {StoredNames.Of(workflow.Status)} {workflow.UpdatedAt:O} {workflow.Input?.GetRawText().Length}")));
        rows.AddRange((await context.TaskStates.AsNoTracking().ToListAsync()).Select(task =>
            string.Create(CultureInfo.InvariantCulture, $"task {task.TaskExecId} {task.WorkflowExecId} {task.ParentStateId} {StoredNames.Of(task.Status)} {task.UpdatedAt:O}")));
        rows.AddRange((await context.ExecutionLlmUsage.AsNoTracking().ToListAsync()).Select(usage =>
            string.Create(CultureInfo.InvariantCulture, $"usage {usage.WorkflowExecId ?? usage.TaskExecId} {usage.Id} {usage.TotalTokens}")));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static long PageCount(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count;";
        return (long)command.ExecuteScalar()!;
    }
}
