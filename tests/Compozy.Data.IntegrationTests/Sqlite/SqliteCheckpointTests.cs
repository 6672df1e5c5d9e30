using System.Diagnostics.Metrics;
using Compozy.Data.Diagnostics;
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
        writer.Close();
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

        // Keep the writer busy past the deadline so shutdown cannot get its turn in time.
        var holding = host.Services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400), CancellationToken.None);
            return true;
        });
        await host.Host.StopAsync();
        await holding;

        host.Logs.Containing("shutdown maintenance and checkpoint stopped after 100 ms").ShouldHaveSingleItem();
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
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (instrument.Meter.Name == CompozyDataMeter.Name)
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen.AddOrUpdate(Key(instrument, tags), value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen.AddOrUpdate(Key(instrument, tags), value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => seen[Key(instrument, tags)] = value);
        listener.Start();

        await WriteRowsAsync(db.Writer, count: 10, payloadBytes: 100);
        await db.Services.GetRequiredService<SqliteCheckpointer>().CheckpointAsync(SqliteCheckpointMode.Passive, CancellationToken.None);
        listener.RecordObservableInstruments();

        seen.ShouldContainKey("compozy.data.sqlite.checkpoints{mode=passive,result=ok}");
        seen.ShouldContainKey("compozy.data.sqlite.checkpoint.duration{mode=passive}");
        seen["compozy.data.sqlite.wal.size{}"].ShouldBeGreaterThan(0);
        seen["compozy.data.sqlite.writer.queue_length{}"].ShouldBe(0);
        seen.Keys.ShouldContain(key => key.StartsWith("compozy.data.sqlite.writer.wait", StringComparison.Ordinal));
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

    private static string Key(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<string>();
        foreach (var tag in tags)
        {
            pairs.Add($"{tag.Key}={tag.Value}");
        }

        return $"{instrument.Name}{{{string.Join(',', pairs.Order(StringComparer.Ordinal))}}}";
    }
}
