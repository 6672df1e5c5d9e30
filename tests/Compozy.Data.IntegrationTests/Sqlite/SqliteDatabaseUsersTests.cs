using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Testing;
using Microsoft.Data.Sqlite;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteDatabaseUsersTests
{
    [Fact]
    public async Task A_process_with_the_database_open_is_found_in_the_kernels_lock_table_and_this_process_is_not_counted()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "users")).MigrateAsync();
        await db.DisposeServicesAsync();
        var files = new SqliteDatabaseFiles(db.Location);

        await using (var connection = new SqliteConnection($"Data Source={db.Location};Pooling=False"))
        {
            await connection.OpenAsync();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode=WAL; SELECT count(*) FROM sqlite_master;";
                await command.ExecuteScalarAsync();
            }

            UnixFiles.TryStat(files.Shm, out var shm).ShouldBe(0);
            SqliteDatabaseUsers.HoldersOf(File.ReadAllLines("/proc/locks"), shm.Identity, self: -1)
                .ShouldBe([Environment.ProcessId], "SQLite holds the WAL index's dead man switch while a connection is open");
            SqliteDatabaseUsers.OtherProcesses(files).ShouldBeEmpty("this process is not another process");
        }
    }

    [Fact]
    public void Only_posix_locks_covering_the_dead_man_switch_byte_of_that_file_count()
    {
        var shm = new FileIdentity(0xfe, 0x01, 4242);
        string[] lines =
        [
            "1: POSIX  ADVISORY  READ 100 fe:01:4242 128 128",
            "2: POSIX  ADVISORY  WRITE 101 fe:01:4242 0 EOF",
            "3: POSIX  ADVISORY  READ 102 fe:01:4242 120 127",
            "4: POSIX  ADVISORY  READ 103 fe:01:4243 128 128",
            "5: FLOCK  ADVISORY  WRITE 104 fe:01:4242 0 EOF",
            "6: -> POSIX  ADVISORY  WRITE 105 fe:01:4242 128 128",
            "7: POSIX  ADVISORY  READ 106 fe:02:4242 128 128",
            "8: POSIX  ADVISORY  READ 7 fe:01:4242 128 128",
        ];

        SqliteDatabaseUsers.HoldersOf(lines, shm, self: 7).ShouldBe([100, 101]);
    }
}
