using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Health;
using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Persistence;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SQLitePCL;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>The database file deleted or replaced under a running host, and the start after it.</summary>
public sealed class SqliteLostFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"compozy-lost-{Guid.NewGuid():N}");

    public SqliteLostFileTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "compozy.db");

    [Fact]
    public async Task A_deleted_file_refuses_writes_and_reads_with_connection_failed_and_takes_readiness_down_naming_the_path()
    {
        await using var host = await StartAsync();
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();
        await writer.WriteAsync(Add("before"));
        (await ReadinessAsync(host)).Status.ShouldBe(HealthStatus.Healthy);

        File.Delete(DatabasePath);

        var refused = await Should.ThrowAsync<CompozyDataException>(() => writer.WriteAsync(Add("after")));
        refused.Kind.ShouldBe(DbErrorKind.ConnectionFailed, "ConnectionFailed is what the API answers with 503 and Retry-After");
        var readiness = await ReadinessAsync(host);
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Entries["database"].Description.ShouldNotBeNull().ShouldContain($"{DatabasePath} was deleted while the host had it open");
        host.Services.GetRequiredService<DatabaseFault>().Reason.ShouldNotBeNull().ShouldContain(DatabasePath);
        host.Logs.Containing("database file lost").ShouldHaveSingleItem().ShouldStartWith("Error ");
        host.Logs.Containing("database file lost")[0].ShouldContain(DatabasePath);

        var contexts = host.Services.GetRequiredService<IDbContextFactory<CompozyDbContext>>();
        await using var read = await contexts.CreateDbContextAsync();
        (await Should.ThrowAsync<CompozyDataException>(() => read.WorkflowStates.CountAsync())).Kind.ShouldBe(DbErrorKind.ConnectionFailed);
        File.Exists(DatabasePath).ShouldBeFalse("nothing recreates the file under the host");
    }

    [Fact]
    public async Task A_file_moved_over_the_database_is_noticed_as_a_replacement_by_readiness_without_any_write()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<IDatabaseWriter>().WriteAsync(Add("before"));
        var other = Path.Combine(_directory, "other.db");
        File.Copy(DatabasePath, other);

        File.Move(other, DatabasePath, overwrite: true);

        var readiness = await ReadinessAsync(host);
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Entries["sqlite_file"].Description.ShouldNotBeNull().ShouldContain($"{DatabasePath} was replaced while the host had it open: the path now names another file");
        (await Should.ThrowAsync<CompozyDataException>(() => host.Services.GetRequiredService<IDatabaseWriter>().WriteAsync(Add("after"))))
            .Kind.ShouldBe(DbErrorKind.ConnectionFailed);
    }

    [Fact]
    public async Task A_deleted_wal_is_noticed_by_readiness_and_its_transactions_reach_the_database_file_at_stop()
    {
        await using var host = await StartAsync();
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();
        for (var index = 0; index < 10; index++)
        {
            await writer.WriteAsync(Add($"in-wal-{index}"));
        }

        File.Delete(DatabasePath + "-wal");

        var readiness = await ReadinessAsync(host);
        readiness.Status.ShouldBe(HealthStatus.Unhealthy);
        readiness.Entries["sqlite_file"].Description.ShouldNotBeNull().ShouldContain($"write-ahead log {DatabasePath}-wal was ", Case.Sensitive, "deleted, or replaced by the WAL a reader opened since");
        (await Should.ThrowAsync<CompozyDataException>(() => writer.WriteAsync(Add("after")))).Kind.ShouldBe(DbErrorKind.ConnectionFailed);

        await host.Host.StopAsync();

        SqliteTestFiles.Count(DatabasePath, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'in-wal-%'").ShouldBe(10, "closing the writer checkpoints the WAL it still has open into the database file");
        SqliteTestFiles.Count(DatabasePath, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'after'").ShouldBe(0);
    }

    [Fact]
    public async Task A_batch_whose_file_vanishes_before_its_commit_is_rolled_back_and_the_copy_saved_at_stop_has_everything_acknowledged()
    {
        await using var host = await StartAsync();
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();
        for (var index = 0; index < 20; index++)
        {
            await writer.WriteAsync(Add($"acknowledged-{index}"));
        }

        var refused = await Should.ThrowAsync<CompozyDataException>(() => writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(Workflow("in-the-vanishing-batch"));
            File.Delete(DatabasePath);
            await Task.CompletedTask;
            return 0;
        }));
        refused.Kind.ShouldBe(DbErrorKind.ConnectionFailed);

        await host.Host.StopAsync();

        var copy = Directory.GetFiles(_directory, "compozy.db.lost-*").ShouldHaveSingleItem();
        SqliteTestFiles.Count(copy, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'acknowledged-%'").ShouldBe(20);
        SqliteTestFiles.Count(copy, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id = 'in-the-vanishing-batch'").ShouldBe(0, "the batch was rolled back, not committed into the deleted file");
        File.GetUnixFileMode(copy).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(DatabasePath + "-wal").ShouldBeFalse("the WAL of the lost file must not be applied to the next file put at the path");
        File.Exists(DatabasePath + "-shm").ShouldBeFalse();
        host.Logs.Containing("shutdown is not clean").ShouldHaveSingleItem();
        host.Logs.Containing("shutdown checkpoint completed").ShouldBeEmpty();
        host.Logs.Containing($"is saved in {copy}").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_caller_whose_batch_committed_while_the_file_vanished_is_not_told_it_was_committed()
    {
        await using var host = await StartAsync();
        var writer = host.Services.GetRequiredService<IDatabaseWriter>();
        await writer.WriteAsync(Add("before"));

        // SQLite calls the commit hook inside COMMIT, after the batch passed its last check: the
        // file disappears at the very moment the batch is being made durable.
        var armed = 1;
        delegate_commit deleteDuringCommit = _ =>
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
            {
                File.Delete(DatabasePath);
            }

            return 0;
        };
        await host.Services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
            (connection, _) =>
            {
                raw.sqlite3_commit_hook(connection.Handle!, deleteDuringCommit, null);
                return Task.FromResult(0);
            });

        var refused = await Should.ThrowAsync<CompozyDataException>(() => writer.WriteAsync(Add("during-commit")));

        refused.Kind.ShouldBe(DbErrorKind.ConnectionFailed);
        Volatile.Read(ref armed).ShouldBe(0, "the hook ran during the commit");
        GC.KeepAlive(deleteDuringCommit);
    }

    [Fact]
    public async Task A_missing_database_that_leftovers_show_existed_is_refused_by_migrations_and_not_created()
    {
        await using (var first = TestDatabase.BuildServices(Settings()))
        {
            await first.GetRequiredService<MigrationRunner>().UpAsync();
            await first.GetRequiredService<IDatabaseWriter>().WriteAsync(Add("kept"));
        }

        File.Exists(DatabasePath + ".writer-lock").ShouldBeTrue();
        File.Delete(DatabasePath);

        await using var second = TestDatabase.BuildServices(Settings());
        var migrations = second.GetRequiredService<MigrationRunner>();
        var up = await Should.ThrowAsync<DatabaseIntegrityException>(() => migrations.UpAsync());
        var status = await Should.ThrowAsync<DatabaseIntegrityException>(() => migrations.GetStatusAsync());
        var write = await Should.ThrowAsync<DatabaseIntegrityException>(() => second.GetRequiredService<IDatabaseWriter>().WriteAsync(Add("new")));

        foreach (var error in new[] { up, status, write })
        {
            error.Message.ShouldContain($"the SQLite database {DatabasePath} does not exist, but files beside it show that a database was there");
            error.Message.ShouldContain(DatabasePath + ".writer-lock");
            error.Message.ShouldContain("rm -- ");
        }

        File.Exists(DatabasePath).ShouldBeFalse();
    }

    [Fact]
    public async Task A_database_path_that_never_held_a_database_is_still_created()
    {
        var fresh = Path.Combine(_directory, "new", "compozy.db");
        await using var services = TestDatabase.BuildServices(new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = fresh });

        await services.GetRequiredService<MigrationRunner>().UpAsync();

        File.Exists(fresh).ShouldBeTrue();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> Settings() => new() { ["database:driver"] = "sqlite", ["database:path"] = DatabasePath };

    private async Task<SqliteTestHost> StartAsync()
    {
        var host = SqliteTestHost.Create(DatabasePath);
        await host.Host.StartAsync();
        return host;
    }

    private static Task<HealthReport> ReadinessAsync(SqliteTestHost host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(registration => registration.Tags.Contains(DatabaseReadinessHealthCheck.ReadyTag));

    private static Func<CompozyDbContext, CancellationToken, Task<int>> Add(string id) => (context, _) =>
    {
        context.WorkflowStates.Add(Workflow(id));
        return Task.FromResult(0);
    };

    private static WorkflowState Workflow(string id) => new()
    {
        WorkflowExecId = id,
        WorkflowId = "lost-file",
        Status = ExecutionStatus.Running,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
