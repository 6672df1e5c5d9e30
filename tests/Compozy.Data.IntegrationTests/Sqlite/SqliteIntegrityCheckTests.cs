using Compozy.Data.Configuration;
using Compozy.Data.Entities;
using Compozy.Data.Health;
using Compozy.Data.Sqlite.Integrity;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>The periodic quick_check of a running host (<c>database.sqlite.integrity_check_interval</c>).</summary>
public sealed class SqliteIntegrityCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_page_damaged_under_a_running_host_is_reported_within_one_interval_in_the_log_the_metric_and_readiness()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "integrity_damage")).MigrateAsync();
        await db.DisposeServicesAsync();
        SqliteTestFiles.Fill(db.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = await StartAsync(db.Location, clock);
        using var metrics = new MeterRecorder(host.Services);
        (await ReadinessAsync(host)).Status.ShouldBe(HealthStatus.Healthy);

        SqliteTestFiles.DamageMiddlePage(db.Location);
        clock.Advance(Interval);
        var damaged = await host.Logs.WaitForAsync("periodic quick_check found damage", Wait);

        damaged.ShouldStartWith("Error ");
        damaged.ShouldContain(db.Location);
        damaged.ShouldNotContain(" ok.");
        var readiness = await ReadinessAsync(host);
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Entries["database"].Description.ShouldNotBeNull().ShouldContain($"the periodic quick_check found damage in the SQLite database {db.Location}: ");
        host.Services.GetRequiredService<DatabaseFault>().Reason.ShouldNotBeNull().ShouldContain("it does not recover by itself: stop it, then run compozy db recover");
        metrics.Sum("compozy.data.sqlite.integrity_checks", "result=damaged").ShouldBe(1);
        metrics.Sum("compozy.data.sqlite.integrity_checks", "result=ok").ShouldBe(0);
        metrics.Values("compozy.data.sqlite.integrity_check.duration").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_sound_database_is_checked_every_interval_while_a_write_transaction_is_open_and_the_write_then_commits()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "integrity_sound")).MigrateAsync();
        await db.DisposeServicesAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = await StartAsync(db.Location, clock);
        using var metrics = new MeterRecorder(host.Services);
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();

        // A write that holds the writer's transaction open until the check has passed: the check
        // neither waits for the writer nor is held up by its lock.
        var inTransaction = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = writer.WriteAsync(async (context, cancellationToken) =>
        {
            context.WorkflowStates.Add(Workflow("during-check"));
            await context.SaveChangesAsync(cancellationToken);
            inTransaction.SetResult();
            await release.Task.WaitAsync(cancellationToken);
            return 0;
        });
        await inTransaction.Task.WaitAsync(Wait);

        clock.Advance(Interval);
        var passed = await host.Logs.WaitForAsync("periodic quick_check passed", Wait);
        write.IsCompleted.ShouldBeFalse("the write's transaction is still open");
        release.SetResult();
        await write.WaitAsync(Wait);

        clock.Advance(Interval);
        await host.Logs.WaitForCountAsync("periodic quick_check passed", 2, Wait);

        passed.ShouldStartWith("Information ");
        metrics.Sum("compozy.data.sqlite.integrity_checks", "result=ok").ShouldBe(2);
        metrics.Sum("compozy.data.sqlite.integrity_checks", "result=damaged").ShouldBe(0);
        (await ReadinessAsync(host)).Status.ShouldBe(HealthStatus.Healthy);
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'during-check'").ShouldBe(1);
    }

    [Fact]
    public async Task Without_an_interval_no_check_is_scheduled()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "integrity_off")).MigrateAsync();
        await db.DisposeServicesAsync();
        await using var host = SqliteTestHost.Create(db.Location);

        host.Services.GetServices<IHostedService>().OfType<SqliteIntegrityCheckService>().ShouldBeEmpty();
    }

    [Fact]
    public void An_interval_for_an_in_memory_database_is_refused_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["database:driver"] = "sqlite",
            ["database:path"] = ":memory:",
            ["database:sqlite:integrity_check_interval"] = "1h",
        }).Build();

        var error = Should.Throw<CompozyConfigurationException>(() => new ServiceCollection().AddCompozyData(configuration));

        error.Message.ShouldContain("database.sqlite.integrity_check_interval");
        error.Message.ShouldContain("database.path is :memory:");
    }

    private static async Task<SqliteTestHost> StartAsync(string path, FakeTimeProvider clock)
    {
        var host = SqliteTestHost.Create(
            path,
            new Dictionary<string, string?> { ["database:sqlite:integrity_check_interval"] = "10m" },
            services => services.AddSingleton<TimeProvider>(clock));
        await host.Host.StartAsync();
        await host.Logs.WaitForAsync($"periodic quick_check every 600 s on {path}", Wait);
        return host;
    }

    private static Task<HealthReport> ReadinessAsync(SqliteTestHost host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(registration => registration.Tags.Contains(DatabaseReadinessHealthCheck.ReadyTag));

    private static WorkflowState Workflow(string id) => new()
    {
        WorkflowExecId = id,
        WorkflowId = "integrity",
        Status = ExecutionStatus.Running,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
