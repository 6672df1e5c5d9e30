using Compozy.Data.Migrations;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Connections;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>A database path through symbolic links: everything is derived from the real path, resolved once.</summary>
public sealed class SqliteRealPathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"compozy-links-{Guid.NewGuid():N}");

    public SqliteRealPathTests()
    {
        Directory.CreateDirectory(RealDirectory);
        Directory.CreateDirectory(LinkDirectory);
    }

    private string RealDirectory => Path.Combine(_root, "real");

    private string LinkDirectory => Path.Combine(_root, "links");

    private string RealPath => Path.Combine(RealDirectory, "compozy.db");

    [Fact]
    public async Task Through_a_link_to_a_file_in_another_directory_the_wal_measured_is_the_real_one()
    {
        await using (var first = TestDatabase.BuildServices(Settings(RealPath)))
        {
            await first.GetRequiredService<MigrationRunner>().UpAsync();
        }

        SqliteTestFiles.WriteIntoWalOnly(RealPath, rows: 2000, prefix: "in-wal");
        var realWal = new FileInfo(RealPath + "-wal").Length;
        realWal.ShouldBeGreaterThan(100_000);
        var link = Path.Combine(LinkDirectory, "compozy.db");
        File.CreateSymbolicLink(link, RealPath);
        var logs = new CapturedLogs();

        await using var services = TestDatabase.BuildServices(Settings(link), logs: logs);
        var connections = services.GetRequiredService<SqliteConnectionFactory>();
        var report = (await services.GetRequiredService<IDatabaseStatusReader>().ReadAsync(IntegrityCheck.None, CancellationToken.None)).Report;

        connections.Options.Path.ShouldBe(RealPath);
        connections.Options.ConfiguredPath.ShouldBe(link);
        connections.WalPath.ShouldBe(RealPath + "-wal");
        connections.WalSize.ShouldBe(realWal);
        report["wal_bytes"].ShouldBe(realWal);
        report["path"].ShouldBe(RealPath);
        report["configured_path"].ShouldBe(link);
        logs.Containing($"database.path {link} resolves to {RealPath} through symbolic links").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Links_in_the_directories_are_resolved_and_the_writer_lock_is_taken_beside_the_real_file()
    {
        var linkedDirectory = Path.Combine(LinkDirectory, "data");
        Directory.CreateSymbolicLink(linkedDirectory, RealDirectory);
        var path = Path.Combine(linkedDirectory, "compozy.db");
        await using var services = TestDatabase.BuildServices(Settings(path));

        await services.GetRequiredService<MigrationRunner>().UpAsync();
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync((_, _) => Task.FromResult(0));

        services.GetRequiredService<SqliteConnectionFactory>().Options.Path.ShouldBe(RealPath);
        File.Exists(RealPath).ShouldBeTrue();
        File.Exists(RealPath + ".writer-lock").ShouldBeTrue();
        File.Exists(RealPath + ".migrate-lock").ShouldBeTrue();
    }

    [Fact]
    public async Task The_filesystem_probe_is_asked_about_the_directory_the_link_points_into_not_the_links_own()
    {
        var link = Path.Combine(LinkDirectory, "compozy.db");
        File.CreateSymbolicLink(link, RealPath);
        var probe = new RecordingProbe(networkDirectory: RealDirectory);
        await using var services = TestDatabase.BuildServices(Settings(link), before: registrations => registrations.AddSingleton<IFileSystemProbe>(probe));

        var refused = await Should.ThrowAsync<NetworkFilesystemRefusedException>(() => services.GetRequiredService<MigrationRunner>().UpAsync());

        refused.Directory.ShouldBe(RealDirectory);
        probe.Probed.ShouldBe([RealDirectory]);
        File.Exists(RealPath).ShouldBeFalse();
    }

    [Fact]
    public async Task A_dangling_link_creates_the_database_where_it_points_and_stays_a_link()
    {
        var link = Path.Combine(LinkDirectory, "compozy.db");
        File.CreateSymbolicLink(link, RealPath);
        await using var services = TestDatabase.BuildServices(Settings(link));

        await services.GetRequiredService<MigrationRunner>().UpAsync();

        File.Exists(RealPath).ShouldBeTrue();
        new FileInfo(link).LinkTarget.ShouldBe(RealPath);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static Dictionary<string, string?> Settings(string path) => new() { ["database:driver"] = "sqlite", ["database:path"] = path };

    private sealed class RecordingProbe(string networkDirectory) : IFileSystemProbe
    {
        private readonly List<string> _probed = [];

        public IReadOnlyList<string> Probed
        {
            get
            {
                lock (_probed)
                {
                    return [.. _probed];
                }
            }
        }

        public FileSystemType Probe(string directory)
        {
            lock (_probed)
            {
                _probed.Add(directory);
            }

            return directory == networkDirectory ? new FileSystemType("nfs", 0x6969, IsNetwork: true) : new FileSystemType("ext4", 0xEF53, IsNetwork: false);
        }
    }
}
