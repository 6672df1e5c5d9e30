using Compozy.Data.Entities;
using Compozy.Data.Migrations;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>A database on a real FUSE filesystem (bindfs): refused by default, through a link too, and kept in WAL when declared local.</summary>
public sealed class SqliteFuseTests
{
    private const long FuseMagic = 0x65735546;

    [Fact]
    public void The_probe_reports_a_fuse_mount_as_fuse_a_network_filesystem()
    {
        using var mount = BindfsMount.Create();

        new StatFsFileSystemProbe().Probe(mount.MountPoint).ShouldBe(new FileSystemType("fuse", FuseMagic, IsNetwork: true));
    }

    [Fact]
    public async Task A_database_on_fuse_is_refused_and_so_is_a_link_on_a_local_disk_that_points_into_it()
    {
        using var mount = BindfsMount.Create();
        var onFuse = Path.Combine(mount.MountPoint, "compozy.db");
        var link = Path.Combine(mount.Root, "compozy.db");
        File.CreateSymbolicLink(link, onFuse);

        foreach (var path in new[] { onFuse, link })
        {
            var logs = new CapturedLogs();
            await using var services = TestDatabase.BuildServices(Settings(path), logs: logs);

            var refused = await Should.ThrowAsync<NetworkFilesystemRefusedException>(() => services.GetRequiredService<MigrationRunner>().UpAsync());

            refused.Directory.ShouldBe(mount.MountPoint, $"{path} must be probed where it really is");
            refused.FileSystem.ShouldBe("fuse");
            refused.Message.ShouldContain("database.sqlite.filesystem: local");
        }

        File.Exists(onFuse).ShouldBeFalse("nothing is created on a refused filesystem");
    }

    [Fact]
    public async Task Declared_local_a_database_on_fuse_keeps_wal_and_the_warning_names_the_filesystem()
    {
        using var mount = BindfsMount.Create();
        var path = Path.Combine(mount.MountPoint, "compozy.db");
        var logs = new CapturedLogs();
        var settings = Settings(path);
        settings["database:sqlite:filesystem"] = "local";
        await using var services = TestDatabase.BuildServices(settings, logs: logs);

        await services.GetRequiredService<MigrationRunner>().UpAsync();
        var writer = services.GetRequiredService<IDatabaseWriter>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(index => writer.WriteAsync((context, _) =>
        {
            context.WorkflowStates.Add(new WorkflowState { WorkflowExecId = $"fuse-{index}", WorkflowId = "fuse", Status = ExecutionStatus.Running, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            return Task.FromResult(0);
        })));

        var journalMode = await services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
            (connection, _) => Task.FromResult(SqliteProfileTests.Pragmas(connection, "journal_mode")));
        journalMode.ShouldBe(["wal"]);
        services.GetRequiredService<SqliteConnectionFactory>().WalSize.ShouldBeGreaterThan(0);
        File.Exists(Path.Combine(mount.Source, "compozy.db-wal")).ShouldBeTrue("the WAL lives on the FUSE filesystem, next to the database");
        logs.Containing("is on fuse, which the filesystem probe counts as a network filesystem; database.sqlite.filesystem is local")
            .ShouldHaveSingleItem().ShouldStartWith("Warning ");
        SqliteTestFiles.Count(path, "SELECT count(*) FROM workflow_states WHERE workflow_id = 'fuse'").ShouldBe(20);
    }

    private static Dictionary<string, string?> Settings(string path) => new() { ["database:driver"] = "sqlite", ["database:path"] = path };
}
