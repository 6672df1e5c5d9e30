using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Checkpoints;
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
        for (var round = 0; round < 5; round++)
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
        var wal = new FileInfo(db.Location + "-wal");

        // Cancelled once VACUUM is under way, which shows as its pages arriving in the emptied
        // WAL: only sqlite3_interrupt can stop it there (Microsoft.Data.Sqlite checks the token
        // only before a statement starts, and reports an interrupted one as cancelled). A fixed
        // delay instead lands before or after the VACUUM depending on the machine's load.
        using var cancel = new CancellationTokenSource();
        var running = db.Services.GetRequiredService<IDatabaseMaintenance>().RunAsync(full: true, cancel.Token);
        while (!running.IsCompleted)
        {
            wal.Refresh();
            if (wal.Exists && wal.Length > 1024 * 1024)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2));
        }

        running.IsCompleted.ShouldBeFalse("the VACUUM of ~40 MB finished before the test saw it start; the test needs a larger database");
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => running);

        new FileInfo(db.Location).Length.ShouldBe(sizeBefore, "the VACUUM was rolled back, not completed");
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            (await read.WorkflowStates.LongCountAsync()).ShouldBe(before);
        }

        var status = await db.Services.GetRequiredService<IDatabaseStatusReader>().ReadAsync("full", CancellationToken.None);
        status["integrity"].ShouldBe("ok");
    }
}
