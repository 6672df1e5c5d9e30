using System.Data;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>
/// SQLite's prepared reads keep read connections open between reads: what a read context's
/// connection is protected by must protect them too, and what needs this process's readers gone
/// must close them.
/// </summary>
public sealed class SqlitePreparedReadsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"compozy-prepared-{Guid.NewGuid():N}");

    public SqlitePreparedReadsTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "compozy.db");

    [Fact]
    public async Task A_get_on_a_connection_kept_open_is_refused_once_the_database_file_is_deleted()
    {
        await using var host = await StartAsync();
        var (tasks, id) = await TaskAsync(host);
        (await tasks.GetStateAsync(id)).TaskExecId.ShouldBe(id);
        host.Services.GetRequiredService<SqliteIdleReadConnections>().IdleCount.ShouldBe(1, "the read kept its connection open");

        File.Delete(DatabasePath);

        var refused = await Should.ThrowAsync<CompozyDataException>(() => tasks.GetStateAsync(id));
        refused.Kind.ShouldBe(DbErrorKind.ConnectionFailed, "the open connection still reads the deleted file; its rows are no longer the database's");
    }

    [Fact]
    public async Task Gets_reuse_one_kept_connection_and_closing_the_readers_closes_it_and_any_in_use()
    {
        await using var host = await StartAsync();
        var (tasks, id) = await TaskAsync(host);
        var idle = host.Services.GetRequiredService<SqliteIdleReadConnections>();
        await tasks.GetStateAsync(id);
        var kept = idle.TryTake().ShouldNotBeNull();
        idle.Return(kept);
        await tasks.GetStateAsync(id);
        idle.TryTake().ShouldBeSameAs(kept, "one caller at a time needs one connection");

        idle.CloseAll();

        idle.Return(kept);
        kept.Connection.State.ShouldBe(ConnectionState.Closed, "a connection in use while the readers were closed is closed when it comes back");
        idle.IdleCount.ShouldBe(0);
        (await tasks.GetStateAsync(id)).TaskExecId.ShouldBe(id, "the next read opens a new connection");
        idle.IdleCount.ShouldBe(1);
    }

    [Fact]
    public async Task A_get_before_the_host_stops_leaves_the_writer_to_close_last_and_no_wal_behind()
    {
        var host = await StartAsync();
        await using (host)
        {
            var (tasks, id) = await TaskAsync(host);
            await tasks.GetStateAsync(id);
            File.Exists(DatabasePath + "-wal").ShouldBeTrue();
        }

        File.Exists(DatabasePath + "-wal").ShouldBeFalse("the writer, closing last, checkpoints and removes the WAL; a reader left open would keep it");
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<SqliteTestHost> StartAsync()
    {
        var host = SqliteTestHost.Create(DatabasePath);
        await host.Host.StartAsync();
        return host;
    }

    private static async Task<(ITaskStore Tasks, string Id)> TaskAsync(SqliteTestHost host)
    {
        var workflow = await host.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var tasks = host.Services.GetRequiredService<ITaskStore>();
        return (tasks, (await tasks.UpsertStateAsync(TaskOf(workflow))).TaskExecId);
    }
}
