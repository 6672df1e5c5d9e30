using Compozy.Data.Migrations;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

/// <summary>The -wal and -shm files hold the database's data: they are never more readable than the database file.</summary>
public sealed class SqliteFileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"compozy-modes-{Guid.NewGuid():N}");

    public SqliteFileModeTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "compozy.db");

    [Fact]
    public async Task With_the_database_at_mode_000_the_wal_and_shm_are_0600_where_sqlite_alone_makes_them_0644()
    {
        // Only root may open a file at mode 000 (the test suite runs as root).
        Environment.UserName.ShouldBe("root", "this test opens a database at mode 000, which only root can");
        await CreateDatabaseAsync();
        File.SetUnixFileMode(DatabasePath, UnixFileMode.None);

        await using var services = TestDatabase.BuildServices(Settings());
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync((_, _) => Task.FromResult(0));

        File.GetUnixFileMode(DatabasePath + "-wal").ShouldBe(OwnerOnly);
        File.GetUnixFileMode(DatabasePath + "-shm").ShouldBe(OwnerOnly);
        File.GetUnixFileMode(DatabasePath).ShouldBe(UnixFileMode.None, "the database's own mode is the operator's");
    }

    [Fact]
    public async Task A_wal_and_shm_more_readable_than_their_database_are_narrowed_to_its_mode_when_the_writer_opens()
    {
        await CreateDatabaseAsync();
        File.SetUnixFileMode(DatabasePath, OwnerOnly | UnixFileMode.GroupRead);
        foreach (var companion in new[] { "-wal", "-shm" })
        {
            using (new FileStream(DatabasePath + companion, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }))
            {
            }

            File.SetUnixFileMode(DatabasePath + companion, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }

        await using var services = TestDatabase.BuildServices(Settings());
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync((_, _) => Task.FromResult(0));

        File.GetUnixFileMode(DatabasePath + "-wal").ShouldBe(OwnerOnly | UnixFileMode.GroupRead);
        File.GetUnixFileMode(DatabasePath + "-shm").ShouldBe(OwnerOnly | UnixFileMode.GroupRead);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task CreateDatabaseAsync()
    {
        await using var services = TestDatabase.BuildServices(Settings());
        await services.GetRequiredService<MigrationRunner>().UpAsync();
    }

    private Dictionary<string, string?> Settings() => new() { ["database:driver"] = "sqlite", ["database:path"] = DatabasePath };
}
