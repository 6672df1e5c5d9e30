using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteMaintenanceTests
{
    [Theory]
    [InlineData(false, "incremental")]
    [InlineData(true, "full")]
    public async Task Maintenance_returns_the_pages_freed_by_deletes_to_the_filesystem(bool full, string mode)
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "maintenance")).MigrateAsync();
        await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 600, payloadBytes: 4000);
        await db.Writer.WriteAsync((context, token) => context.WorkflowStates.ExecuteDeleteAsync(token));
        await db.Services.GetRequiredService<IDatabaseMaintenance>().RunAsync(full: false, CancellationToken.None);
        await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 600, payloadBytes: 4000);
        await db.Writer.WriteAsync((context, token) => context.WorkflowStates.ExecuteDeleteAsync(token));

        var report = await db.Services.GetRequiredService<IDatabaseMaintenance>().RunAsync(full, CancellationToken.None);

        report["mode"].ShouldBe(mode);
        ((long)report["pages_freed"]!).ShouldBeGreaterThan(500);
        ((long)report["freelist_pages_after"]!).ShouldBe(0);
        ((long)report["file_bytes_after"]!).ShouldBeLessThan((long)report["database_bytes_before"]!);
        new FileInfo(db.Location).Length.ShouldBe((long)report["database_bytes_after"]!, "the TRUNCATE checkpoint folded the shrink into the file");
    }

    [Fact]
    public async Task A_cancelled_full_vacuum_is_rolled_back_and_leaves_every_row()
    {
        // A small page cache makes VACUUM spill its pages to the WAL as it goes; with the default
        // 32MB most of this ~40MB database reached the WAL only at COMMIT, and a loaded machine
        // then saw the WAL grow too late to interrupt anything.
        await using var db = await (await TestDatabase.CreateAsync(
            DatabaseKind.Sqlite, "maintenance_cancel", new Dictionary<string, string?> { ["database:sqlite:cache_size"] = "256KB" })).MigrateAsync();
        for (var round = 0; round < 2; round++)
        {
            await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 4000, payloadBytes: 4000);
        }

        await db.Writer.WriteAsync((context, token) => context.WorkflowStates.Where(state => state.WorkflowExecId.CompareTo("row-8") < 0).ExecuteDeleteAsync(token));
        long before;
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            before = await read.WorkflowStates.LongCountAsync();
        }

        await db.Services.GetRequiredService<SqliteCheckpointer>().CheckpointAsync(SqliteCheckpointMode.Truncate, CancellationToken.None);
        var sizeBefore = new FileInfo(db.Location).Length;

        // Cancelled while the VACUUM statement is executing: a progress handler on the writer's
        // connection sees the VACUUM busy, signals the test and holds it there until the token has
        // fired. Only sqlite3_interrupt can stop a statement under way (Microsoft.Data.Sqlite checks
        // the token only before a statement starts, and reports an interrupted one as cancelled).
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var vacuumUnderWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var vacuumStarted = 0;
        using var cancelled = new ManualResetEventSlim();
        await writer.RunOnConnectionAsync((connection, _) =>
        {
            SQLitePCL.raw.sqlite3_trace(connection.Handle!, (_, statement) =>
            {
                if (statement.utf8_to_string().StartsWith("VACUUM", StringComparison.OrdinalIgnoreCase))
                {
                    Volatile.Write(ref vacuumStarted, 1);
                }
            }, null);
            SQLitePCL.raw.sqlite3_progress_handler(connection.Handle!, 1000, _ =>
            {
                if (Volatile.Read(ref vacuumStarted) == 1 && vacuumUnderWay.TrySetResult())
                {
                    cancelled.Wait();
                }

                return 0;
            }, null);
            return Task.FromResult(0);
        });

        using var cancel = new CancellationTokenSource();
        var running = db.Services.GetRequiredService<IDatabaseMaintenance>().RunAsync(full: true, cancel.Token);
        await vacuumUnderWay.Task;
        await cancel.CancelAsync();
        cancelled.Set();
        await Should.ThrowAsync<OperationCanceledException>(() => running);

        new FileInfo(db.Location).Length.ShouldBe(sizeBefore, "the VACUUM was rolled back, not completed");
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            (await read.WorkflowStates.LongCountAsync()).ShouldBe(before);
        }

        var status = await db.Services.GetRequiredService<IDatabaseStatusReader>().ReadAsync(IntegrityCheck.Full, CancellationToken.None);
        status.Report["integrity"].ShouldBe("ok");
        status.IntegrityOk.ShouldBe(true);
    }
}
