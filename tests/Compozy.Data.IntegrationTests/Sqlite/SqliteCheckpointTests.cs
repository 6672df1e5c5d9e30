using Compozy.Data.Entities;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteCheckpointTests
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_host_checkpoints_every_interval_and_truncates_a_wal_past_the_threshold()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "periodic");
        await using var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?>
        {
            ["database:sqlite:wal_checkpoint_interval"] = "100ms",
            ["database:sqlite:wal_checkpoint_truncate_threshold"] = "1MB",
            ["database:sqlite:journal_size_limit"] = "64MB",
        });
        await host.Host.StartAsync();

        (await host.Logs.WaitForAsync("periodic-checkpoint completed: mode=Passive", LogWait)).ShouldContain("wal_bytes_after=");

        await WriteRowsAsync(host.Services.GetRequiredService<IDatabaseWriter>(), count: 40, payloadBytes: 60_000);
        var truncate = await host.Logs.WaitForAsync("periodic-checkpoint completed: mode=Truncate", LogWait);

        truncate.ShouldContain("wal_bytes_after=0");
    }

    [Fact]
    public async Task A_truncate_that_a_reader_holds_back_is_reported_as_blocked_not_hidden()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "blocked", new Dictionary<string, string?> { ["database:sqlite:busy_timeout"] = "100ms" });
        await db.MigrateAsync();
        await WriteRowsAsync(db.Writer, count: 5, payloadBytes: 1000);

        // A reader in the middle of a read transaction pins the WAL frames it can see.
        using var reader = new SqliteConnection($"Data Source={db.Location};Pooling=False");
        reader.Open();
        using var snapshot = reader.BeginTransaction(deferred: true);
        using (var read = reader.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT count(*) FROM workflow_states";
            read.ExecuteScalar();
        }

        await WriteRowsAsync(db.Writer, count: 5, payloadBytes: 1000);
        var result = await db.Services.GetRequiredService<SqliteCheckpointer>().CheckpointAsync(SqliteCheckpointMode.Truncate, CancellationToken.None);

        result.Blocked.ShouldBeTrue();
        result.WalBytesAfter.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Shutdown_runs_maintenance_and_a_final_truncate_then_closes_the_database_and_closing_again_is_harmless()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "shutdown");
        var host = SqliteTestHost.Create(db.Location);
        await host.Host.StartAsync();
        await WriteRowsAsync(host.Services.GetRequiredService<IDatabaseWriter>(), count: 20, payloadBytes: 2000);
        var writer = host.Services.GetRequiredService<SqliteDatabaseWriter>();
        new FileInfo(db.Location + "-wal").Length.ShouldBeGreaterThan(0);

        await host.Host.StopAsync();

        host.Logs.Containing("maintenance (incremental) completed").ShouldHaveSingleItem();
        host.Logs.Containing("shutdown checkpoint completed").ShouldHaveSingleItem().ShouldContain("WAL now 0 bytes");
        writer.IsOpen.ShouldBeFalse();
        await writer.DisposeAsync();
        await Should.ThrowAsync<ObjectDisposedException>(() => WriteRowsAsync(writer, count: 1, payloadBytes: 10));
        await host.DisposeAsync();
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states").ShouldBe(20);
    }

    [Fact]
    public async Task Shutdown_work_that_outlasts_the_shutdown_timeout_is_cut_short_and_the_database_is_still_closed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "shutdown_timeout");
        var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?> { ["database:sqlite:shutdown_timeout"] = "100ms" });
        await host.Host.StartAsync();
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();
        await WriteRowsAsync(writer, count: 3000, payloadBytes: 1000);
        await writer.WriteAsync((context, token) => context.WorkflowStates.ExecuteDeleteAsync(token));

        // Keep the writer busy until shutdown has given up on its turn, so it cannot get it in time.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = host.Services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(async (_, _) =>
        {
            running.SetResult();
            await gate.Task;
            return true;
        });
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = host.Host.StopAsync();
        await host.Logs.WaitForAsync("shutdown maintenance and checkpoint stopped after", TimeSpan.FromSeconds(30));
        gate.SetResult();
        await stopping;
        await holding;

        host.Logs.Containing("shutdown maintenance and checkpoint stopped after").ShouldHaveSingleItem();
        host.Services.GetRequiredService<SqliteDatabaseWriter>().IsOpen.ShouldBeFalse();
        await host.DisposeAsync();
        using var check = new SqliteConnection($"Data Source={db.Location};Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        command.ExecuteScalar().ShouldBe("ok");
    }

    [Fact]
    public async Task Checkpoints_and_the_writer_queue_are_measured_on_the_compozy_data_meter()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "metrics");
        await db.MigrateAsync();
        using var recorder = new MeterRecorder(db.Services);

        await WriteRowsAsync(db.Writer, count: 10, payloadBytes: 100);
        await db.Services.GetRequiredService<SqliteCheckpointer>().CheckpointAsync(SqliteCheckpointMode.Passive, CancellationToken.None);
        recorder.Observe();

        recorder.Sum("compozy.data.sqlite.checkpoints", "mode=passive,result=ok").ShouldBe(1);
        recorder.Values("compozy.data.sqlite.checkpoint.duration").ShouldHaveSingleItem();
        recorder.Sum("compozy.data.sqlite.checkpoint.pages").ShouldBeGreaterThan(0);
        recorder.Values("compozy.data.sqlite.wal.size").ShouldHaveSingleItem().ShouldBeGreaterThan(0);
        recorder.Values("compozy.data.sqlite.writer.queue_length").ShouldHaveSingleItem().ShouldBe(0);
        recorder.Values("compozy.data.sqlite.writer.wait").Count.ShouldBeGreaterThanOrEqualTo(2);
        recorder.Values("compozy.data.sqlite.writer.batch_size").ShouldBe([1]);
    }

    [Fact]
    public async Task A_checkpoint_reports_the_pages_it_copied_and_an_idle_one_copies_none()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "copied")).MigrateAsync();
        var checkpointer = db.Services.GetRequiredService<SqliteCheckpointer>();
        await checkpointer.CheckpointAsync(SqliteCheckpointMode.Truncate, CancellationToken.None);
        await WriteRowsAsync(db.Writer, count: 30, payloadBytes: 3000);

        var first = await checkpointer.CheckpointAsync(SqliteCheckpointMode.Passive, CancellationToken.None);
        var idle = await checkpointer.CheckpointAsync(SqliteCheckpointMode.Passive, CancellationToken.None);

        first.CopiedFrames.ShouldBeGreaterThan(20);
        first.CopiedFrames.ShouldBe(first.CheckpointedFrames);
        idle.CopiedFrames.ShouldBe(0);
        idle.WalFrames.ShouldBe(first.WalFrames);
    }

    [Fact]
    public async Task A_shutdown_checkpoint_held_back_by_a_reader_is_reported_as_incomplete_not_completed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "shutdown_blocked");
        var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?>
        {
            ["database:sqlite:maintenance_on_shutdown"] = "false",

            // The checkpoint waits for the reader for 80% of this, and the rest must cover the
            // scheduling delays of a loaded machine (500 ms did not, once, on CI).
            ["database:sqlite:shutdown_timeout"] = "5s",
        });
        await host.Host.StartAsync();
        await WriteRowsAsync(host.Services.GetRequiredService<IDatabaseWriter>(), count: 10, payloadBytes: 1000);
        using var reader = new SqliteConnection($"Data Source={db.Location};Pooling=False");
        reader.Open();
        using var snapshot = reader.BeginTransaction(deferred: true);
        using (var read = reader.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT count(*) FROM workflow_states";
            read.ExecuteScalar();
        }

        await WriteRowsAsync(host.Services.GetRequiredService<IDatabaseWriter>(), count: 10, payloadBytes: 1000);
        await host.Host.StopAsync();

        host.Logs.Containing("shutdown checkpoint incomplete").ShouldHaveSingleItem();
        host.Logs.Containing("shutdown checkpoint completed").ShouldBeEmpty();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Maintenance_runs_at_shutdown_in_delete_journal_mode_too()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "shutdown_delete");
        var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?> { ["database:sqlite:journal_mode"] = "DELETE" });
        await host.Host.StartAsync();
        await WriteRowsAsync(host.Services.GetRequiredService<IDatabaseWriter>(), count: 5, payloadBytes: 100);

        await host.Host.StopAsync();

        host.Logs.Containing("maintenance (incremental) completed").ShouldHaveSingleItem();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task An_existing_wal_database_can_be_switched_to_delete_mode_by_configuration()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "to_delete")).MigrateAsync();
        await db.DisposeServicesAsync();
        var settings = new Dictionary<string, string?>(db.Settings) { ["database:sqlite:journal_mode"] = "DELETE" };

        await using var services = TestDatabase.BuildServices(settings);
        await services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().UpAsync();

        var mode = await services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
            (connection, _) => Task.FromResult(SqliteProfileTests.Pragmas(connection, "journal_mode")[0]));
        mode.ShouldBe("delete");
    }

    internal static Task WriteRowsAsync(IDatabaseWriter writer, int count, int payloadBytes)
    {
        var payload = ModelJson($"{{\"blob\":\"{new string('w', payloadBytes)}\"}}");
        return writer.WriteAsync(async (context, _) =>
        {
            for (var index = 0; index < count; index++)
            {
                context.WorkflowStates.Add(new WorkflowState
                {
                    WorkflowExecId = $"row-{Guid.NewGuid():N}",
                    WorkflowId = "checkpoints",
                    Status = ExecutionStatus.Running,
                    Input = payload,
                    CreatedAt = DateTime.UtcNow,
                    UpdatedAt = DateTime.UtcNow,
                });
            }

            await Task.CompletedTask;
        });
    }

    private static System.Text.Json.JsonElement ModelJson(string text)
    {
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
