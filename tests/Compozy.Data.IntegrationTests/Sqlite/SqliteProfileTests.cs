using System.Globalization;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteProfileTests
{
    [Theory]
    [InlineData("FULL", 2)]
    [InlineData("NORMAL", 1)]
    [InlineData("EXTRA", 3)]
    public async Task The_writer_gets_the_configured_profile(string synchronous, int expected)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "profile", new Dictionary<string, string?>
        {
            ["database:sqlite:synchronous"] = synchronous,
            ["database:sqlite:journal_size_limit"] = "8MB",
            ["database:sqlite:cache_size"] = "16MB",
        });
        await db.MigrateAsync();

        var profile = await db.Services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
            (connection, _) => Task.FromResult(Pragmas(connection, "journal_mode", "synchronous", "journal_size_limit", "cache_size", "temp_store", "mmap_size", "foreign_keys", "auto_vacuum", "query_only", "busy_timeout")));

        profile.ShouldBe(["wal", expected.ToString(CultureInfo.InvariantCulture), (8 << 20).ToString(CultureInfo.InvariantCulture), "-16384", "2", "0", "1", "2", "0", "5000"]);
    }

    [Fact]
    public async Task Readers_are_query_only_and_keep_their_profile_when_reused_from_the_pool()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "reader_profile")).MigrateAsync();

        for (var reuse = 0; reuse < 3; reuse++)
        {
            await using var context = await db.Contexts.CreateDbContextAsync();
            await context.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)context.Database.GetDbConnection();
            Pragmas(connection, "query_only", "foreign_keys", "cache_size", "temp_store", "busy_timeout").ShouldBe(["1", "1", "-32768", "2", "5000"]);
        }

        using (var probe = new SqliteConnection(((SqliteConnection)(await db.Contexts.CreateDbContextAsync()).Database.GetDbConnection()).ConnectionString))
        {
            SqliteConnection.ClearPool(probe);
        }

        await using var fresh = await db.Contexts.CreateDbContextAsync();
        await fresh.Database.OpenConnectionAsync();
        Pragmas((SqliteConnection)fresh.Database.GetDbConnection(), "query_only").ShouldBe(["1"], "a new physical connection is configured too");
    }

    [Fact]
    public async Task A_database_another_process_holds_in_another_mode_stops_the_writer_with_a_clear_error()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "compozy.db");
        try
        {
            // Another process holds the file in rollback-journal mode with an open read
            // transaction; SQLite cannot change the journal mode under it.
            using var other = new SqliteConnection($"Data Source={path};Pooling=False");
            other.Open();
            using (var setup = other.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode = DELETE; CREATE TABLE holder (x); INSERT INTO holder VALUES (1);";
                setup.ExecuteNonQuery();
            }

            using var transaction = other.BeginTransaction(deferred: true);
            using (var read = other.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT count(*) FROM holder";
                read.ExecuteScalar();
            }

            await using var services = TestDatabase.BuildServices(new Dictionary<string, string?>
            {
                ["database:driver"] = "sqlite",
                ["database:path"] = path,
                ["database:sqlite:busy_timeout"] = "200ms",
            });

            var error = await Should.ThrowAsync<InvalidOperationException>(
                () => services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().UpAsync());

            error.Message.ShouldContain("could not be switched to journal_mode=wal: another connection holds it open");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_journal_mode_that_reads_back_differently_stops_the_writer()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "readback");
        var setup = db.Services.GetRequiredService<Compozy.Data.Sqlite.Connections.SqliteConnectionSetup>();

        // SQLite's unix-dotfile VFS has no shared memory: asking it for WAL answers with the old mode.
        using var connection = new SqliteConnection($"Data Source=file:{db.Location}?vfs=unix-dotfile;Pooling=False");
        connection.Open();

        var error = Should.Throw<InvalidOperationException>(() => setup.Apply(connection, Compozy.Data.Sqlite.Connections.SqliteConnectionRole.Writer));

        error.Message.ShouldContain("stayed in journal_mode=delete when wal was set");
    }

    [Fact]
    public async Task Inspecting_a_database_with_a_wal_left_by_a_crash_changes_neither_file()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "inspect_residue")).MigrateAsync();
        await db.DisposeServicesAsync();
        SqliteTestFiles.WriteIntoWalOnly(db.Location, rows: 20, prefix: "kept");
        var before = (SqliteTestFiles.Hash(db.Location), SqliteTestFiles.Hash(db.Location + "-wal"));

        await using var services = TestDatabase.BuildServices(db.Settings);
        var report = (await services.GetRequiredService<Compozy.Data.Operations.IDatabaseStatusReader>().ReadAsync(Compozy.Data.Operations.IntegrityCheck.Full, CancellationToken.None)).Report;
        await services.DisposeAsync();

        report["integrity"].ShouldBe("ok");
        ((long)report["wal_bytes"]!).ShouldBeGreaterThan(0);
        (SqliteTestFiles.Hash(db.Location), SqliteTestFiles.Hash(db.Location + "-wal")).ShouldBe(before, "status only reads: no checkpoint, not even on close");
    }

    [Fact]
    public async Task An_in_memory_database_skips_what_does_not_apply_without_warnings()
    {
        var logs = new CapturedLogs();
        await using var services = TestDatabase.BuildServices(
            new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = ":memory:" }, logs: logs);

        await services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().UpAsync();
        var profile = await services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(
            (connection, _) => Task.FromResult(Pragmas(connection, "journal_mode", "foreign_keys")));

        profile.ShouldBe(["memory", "1"]);
        logs.Lines.ShouldNotContain(line => line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal));
    }

    internal static string[] Pragmas(SqliteConnection connection, params string[] names) =>
        names.Select(name =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {name};";
            return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!;
        }).ToArray();
}
