using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// Every command meets a SQLite file with a damaged table page the way <c>start</c> does: the
/// commands that write refuse it with exit code 4 before writing, and the file and its WAL stay
/// byte for byte as they were.
/// </summary>
public sealed class DamagedDatabaseTests
{
    [Theory]
    [InlineData("migrate up")]
    [InlineData("migrate down")]
    [InlineData("migrate down --target 0")]
    [InlineData("auth bootstrap --email admin@example.com")]
    [InlineData("db maintenance")]
    [InlineData("db maintenance --full")]
    public async Task A_writing_command_refuses_a_damaged_file_with_exit_4_and_leaves_it_and_its_wal_byte_for_byte(string command)
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged_write");
        var (page, database, wal) = await DamageAsync(cli, "workflow_states");

        var result = await cli.RunAsync(command.Split(' '));

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Stderr.ShouldContain($"compozy: startup quick_check failed for {cli.Database.Location}; the file was not modified. First problems:");
        result.Stderr.ShouldContain($"page {page} cell");
        result.Stderr.ShouldNotContain("   at ");
        result.Stdout.ShouldBeEmpty();
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
    }

    [Fact]
    public async Task The_check_runs_at_the_configured_level()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged_full");
        var (page, database, wal) = await DamageAsync(cli, "workflow_states");
        cli.Environment["DB_SQLITE_INTEGRITY_CHECK_ON_STARTUP"] = "full";

        var result = await cli.RunAsync("migrate", "down");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Stderr.ShouldContain($"compozy: startup integrity_check failed for {cli.Database.Location}; the file was not modified.");
        result.Stderr.ShouldContain($"page {page}");
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
    }

    [Fact]
    public async Task A_page_too_damaged_for_the_check_to_finish_is_still_named_among_the_first_problems()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged_page");
        var (page, database, wal) = await DamageAsync(cli, "workflow_states", wholePage: true);

        var result = await cli.RunAsync("migrate", "up");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Stderr.ShouldContain($"page {page}: btreeInitPage() returns error code 11");
        result.Stderr.ShouldContain("the check stopped here (11: ");
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
    }

    [Fact]
    public async Task Read_only_commands_report_damage_they_read_with_exit_4_and_change_nothing()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged_read");
        var (_, database, wal) = await DamageAsync(cli, "__EFMigrationsHistory");

        var migrateStatus = await cli.RunAsync("migrate", "status");
        var dbStatus = await cli.RunAsync("db", "status", "--json");

        migrateStatus.ExitCode.ShouldBe(4, migrateStatus.ToString());
        migrateStatus.Stderr.ShouldContain("compozy: the database is damaged (SQLITE 11/");
        migrateStatus.Stderr.ShouldContain("This command only reads; nothing was written. See the problems with `compozy db status --check full`");
        migrateStatus.Stderr.ShouldNotContain("   at ");
        dbStatus.ExitCode.ShouldBe(4, dbStatus.ToString());
        using (var json = JsonDocument.Parse(dbStatus.Stdout))
        {
            json.RootElement.GetProperty("migrations").GetProperty("error").GetString().ShouldNotBeNull().ShouldContain("malformed");
        }

        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
    }

    [Fact]
    public async Task Read_only_commands_do_not_check_integrity_unless_asked_and_db_status_check_finds_the_damage()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged_unread");
        var (page, database, wal) = await DamageAsync(cli, "workflow_states");

        var migrateStatus = await cli.RunAsync("migrate", "status");
        var check = await cli.RunAsync("db", "status", "--check", "quick");

        migrateStatus.ExitCode.ShouldBe(0, migrateStatus.ToString());
        migrateStatus.Stdout.ShouldContain("up to date; 3 of 3 migrations applied");
        check.ExitCode.ShouldBe(4, check.ToString());
        check.Stdout.ShouldContain($"page {page} cell");
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
    }

    [Theory, DatabaseData]
    public async Task Writing_commands_run_the_providers_startup_checks_first_and_reading_commands_do_not(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_checks_seam");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);

        string[][] writing = [["migrate", "down"], ["migrate", "up"], ["auth", "bootstrap", "--email", "admin@example.com"], ["db", "maintenance"]];
        string[][] reading = [["migrate", "status"], ["db", "status"]];
        foreach (var command in writing)
        {
            var result = await cli.RunAsync(command);
            result.ExitCode.ShouldBe(0, result.ToString());

            // SQLite's check logs its result; PostgreSQL registers no startup check, so nothing runs.
            if (database == DatabaseKind.Sqlite)
            {
                result.Stderr.ShouldContain("startup quick_check passed", customMessage: result.ToString());
            }
            else
            {
                result.Stderr.ShouldNotContain("startup", customMessage: result.ToString());
            }
        }

        foreach (var command in reading)
        {
            var result = await cli.RunAsync(command);
            result.ExitCode.ShouldBe(0, result.ToString());
            result.Stderr.ShouldNotContain("quick_check", customMessage: result.ToString());
        }
    }

    // A migrated database with 3,000 workflows, committed users left in its WAL (as after a
    // crash), and one leaf page of `table` overwritten. Returns the page and both files' hashes.
    private static async Task<(long Page, string Database, string Wal)> DamageAsync(CliDatabase cli, string table, bool wholePage = false)
    {
        var migrated = await cli.RunAsync("migrate", "up");
        migrated.ExitCode.ShouldBe(0, migrated.ToString());
        SqliteTestFiles.Fill(cli.Database.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        SqliteDamage.WriteUsersIntoWalOnly(cli.Database.Location, rows: 5);
        var page = SqliteDamage.DamageLeafPageOf(cli.Database.Location, table, wholePage);

        var wal = SqliteTestFiles.Hash(cli.Database.Location + "-wal");
        wal.ShouldNotBe("absent");
        new FileInfo(cli.Database.Location + "-wal").Length.ShouldBeGreaterThan(0);
        return (page, SqliteTestFiles.Hash(cli.Database.Location), wal);
    }
}
