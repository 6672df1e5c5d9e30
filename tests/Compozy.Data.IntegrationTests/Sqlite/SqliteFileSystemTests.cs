using Compozy.Data.Entities;
using Compozy.Data.Migrations;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteFileSystemTests
{
    [Fact]
    public void The_probe_reads_the_kernels_filesystem_type()
    {
        var probe = new StatFsFileSystemProbe();

        probe.Probe("/dev/shm").ShouldBe(new FileSystemType("tmpfs", 0x01021994, IsNetwork: false));
        probe.Probe("/proc").Name.ShouldStartWith("unknown (0x9FA0)", Case.Sensitive, "procfs is not in the table and is reported by its magic number");
        probe.Probe(Path.Combine(Path.GetTempPath(), "does", "not", "exist")).ShouldBe(probe.Probe(Path.GetTempPath()), "a missing directory is probed through its nearest existing parent");
    }

    [Fact]
    public async Task A_network_filesystem_is_refused_naming_it_and_the_fix_and_nothing_is_created()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-test-{Guid.NewGuid():N}");
        var path = Path.Combine(directory, "data", "compozy.db");
        await using var services = TestDatabase.BuildServices(
            new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = path },
            before: registrations => registrations.AddSingleton<IFileSystemProbe>(new FixedProbe(new FileSystemType("nfs", 0x6969, IsNetwork: true))));

        var error = await Should.ThrowAsync<NetworkFilesystemRefusedException>(() => services.GetRequiredService<MigrationRunner>().UpAsync());

        error.Message.ShouldContain("is on nfs, a network filesystem");
        error.Message.ShouldContain("allow_network_filesystem");
        error.Message.ShouldContain("database.driver: postgres");
        Directory.Exists(directory).ShouldBeFalse();
    }

    [Fact]
    public async Task With_the_opt_in_a_network_filesystem_runs_in_delete_mode_with_exclusive_locking_and_still_reads_while_writing()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-test-{Guid.NewGuid():N}");
        var path = Path.Combine(directory, "compozy.db");
        try
        {
            var logs = new CapturedLogs();
            await using var services = TestDatabase.BuildServices(
                new Dictionary<string, string?>
                {
                    ["database:driver"] = "sqlite",
                    ["database:path"] = path,
                    ["database:sqlite:allow_network_filesystem"] = "true",
                },
                before: registrations => registrations.AddSingleton<IFileSystemProbe>(new FixedProbe(new FileSystemType("cifs", unchecked((int)0xFF534D42), IsNetwork: true))),
                logs: logs);
            await services.GetRequiredService<MigrationRunner>().UpAsync();
            var writer = services.GetRequiredService<IDatabaseWriter>();
            var contexts = services.GetRequiredService<IDbContextFactory<Compozy.Data.Persistence.CompozyDbContext>>();

            var writes = Enumerable.Range(0, 20).Select(index => writer.WriteAsync(async (context, _) =>
            {
                context.WorkflowStates.Add(new WorkflowState { WorkflowExecId = $"nfs-{index}", WorkflowId = "nfs", Status = ExecutionStatus.Running, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
                await Task.CompletedTask;
            }));
            var reads = Enumerable.Range(0, 20).Select(async _ =>
            {
                await using var context = await contexts.CreateDbContextAsync();
                return await context.WorkflowStates.CountAsync();
            });
            await Task.WhenAll(writes.Concat<Task>(reads));

            var profile = await services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
                (connection, _) => Task.FromResult(SqliteProfileTests.Pragmas(connection, "journal_mode", "locking_mode")));
            profile.ShouldBe(["delete", "exclusive"]);
            await using var read = await contexts.CreateDbContextAsync();
            (await read.WorkflowStates.CountAsync(state => state.WorkflowId == "nfs")).ShouldBe(20);
            logs.Containing("a network filesystem; allow_network_filesystem is set").ShouldNotBeEmpty();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class FixedProbe(FileSystemType type) : IFileSystemProbe
    {
        public FileSystemType Probe(string directory) => type;
    }
}
