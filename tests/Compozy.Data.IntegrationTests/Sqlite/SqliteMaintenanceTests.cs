using Compozy.Data.Operations;
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
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "maintenance_cancel")).MigrateAsync();
        await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 4000, payloadBytes: 4000);
        await db.Writer.WriteAsync((context, token) => context.WorkflowStates.Where(state => state.WorkflowExecId.CompareTo("row-8") < 0).ExecuteDeleteAsync(token));
        long before;
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            before = await read.WorkflowStates.LongCountAsync();
        }

        // VACUUM of ~16 MB takes hundreds of milliseconds; 10 ms interrupts it mid-statement.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(10));
        var error = await Should.ThrowAsync<Exception>(() => db.Services.GetRequiredService<IDatabaseMaintenance>().RunAsync(full: true, cancel.Token));

        error.ShouldSatisfyAllConditions(
            () => (error is OperationCanceledException || error is SqliteException { SqliteErrorCode: 9 }).ShouldBeTrue(error.ToString()));
        await using (var read = await db.Contexts.CreateDbContextAsync())
        {
            (await read.WorkflowStates.LongCountAsync()).ShouldBe(before);
        }

        var status = await db.Services.GetRequiredService<IDatabaseStatusReader>().ReadAsync("full", CancellationToken.None);
        status["integrity"].ShouldBe("ok");
    }
}
