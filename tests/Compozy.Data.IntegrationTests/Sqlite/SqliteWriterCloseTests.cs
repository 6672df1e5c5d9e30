using Compozy.Data.Entities;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteWriterCloseTests
{
    [Fact]
    public async Task Closing_commits_the_writes_already_queued_and_refuses_new_ones_while_it_waits_for_them()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "close_queued")).MigrateAsync();
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var gate = new TaskCompletionSource();
        var holding = await HeldWriter.HoldAsync(writer, gate);
        var queued = Enumerable.Range(0, 3).Select(index => writer.WriteAsync(async (context, _) =>
        {
            context.WorkflowStates.Add(Workflow($"queued-{index}"));
            await Task.CompletedTask;
            return index;
        })).ToList();

        var closing = writer.DisposeAsync().AsTask();
        writer.IsOpen.ShouldBeFalse("closing has begun");
        await Should.ThrowAsync<ObjectDisposedException>(() => writer.WriteAsync((_, _) => Task.FromResult(true)));
        closing.IsCompleted.ShouldBeFalse("closing waits for the held job and the writes queued behind it");
        gate.SetResult();
        await holding;
        await closing;

        (await Task.WhenAll(queued)).ShouldBe([0, 1, 2]);
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'queued-%'").ShouldBe(3);
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_the_services_synchronously_is_refused_naming_the_writer_whose_shutdown_is_asynchronous()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "sync_dispose");
        var services = TestDatabase.BuildServices(db.Settings);
        services.GetRequiredService<IDatabaseWriter>().ShouldBeOfType<SqliteDatabaseWriter>();

        Should.Throw<InvalidOperationException>(services.Dispose).Message.ShouldContain(nameof(SqliteDatabaseWriter));
    }

    private static WorkflowState Workflow(string id) => new()
    {
        WorkflowExecId = id,
        WorkflowId = "writer-close",
        Status = ExecutionStatus.Running,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
