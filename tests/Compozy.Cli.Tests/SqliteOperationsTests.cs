using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>The crash-safety behaviour of SQLite as an operator meets it through the CLI.</summary>
public sealed class SqliteOperationsTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_recovers_a_wal_left_by_a_killed_writer_with_the_three_log_lines_and_loses_no_row()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_residue");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.WriteIntoWalOnly(cli.Database.Location, rows: 25, prefix: "acknowledged");

        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);

        host.Stderr.ShouldContain("startup detected WAL residue");
        host.Stderr.ShouldContain("startup quick_check passed");
        host.Stderr.ShouldContain("startup-recovery checkpoint completed");
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'acknowledged-%'").ShouldBe(25);
    }

    [Fact]
    public async Task A_one_second_checkpoint_interval_produces_periodic_checkpoint_lines_and_shutdown_checkpoints()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_periodic");
        cli.Environment["DB_SQLITE_WAL_CHECKPOINT_INTERVAL"] = "1s";

        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        await Poll.UntilAsync(() => CountLines(host.Stderr, "periodic-checkpoint completed") >= 2, "two periodic-checkpoint lines", TimeSpan.FromSeconds(60));

        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
        CountLines(host.Stderr, "periodic-checkpoint completed").ShouldBeGreaterThanOrEqualTo(2, host.Stderr);
        host.Stderr.ShouldContain("shutdown checkpoint completed");
    }

    [Fact]
    public async Task Synchronous_off_without_the_opt_in_stops_start_with_exit_2()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_sync_off");
        cli.Environment["DB_SQLITE_SYNCHRONOUS"] = "OFF";

        var result = await cli.RunAsync("start", "--port", "0");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("database.sqlite.synchronous: \"OFF\" can corrupt the database");
        result.Stderr.ShouldContain("(from environment variable DB_SQLITE_SYNCHRONOUS)");
        File.Exists(cli.Database.Location).ShouldBeFalse();
    }

    [Fact]
    public async Task A_damaged_file_is_refused_at_start_with_exit_4_and_left_byte_for_byte_as_it_was()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_damaged");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(cli.Database.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        SqliteTestFiles.DamageMiddlePage(cli.Database.Location);
        var before = SqliteTestFiles.Hash(cli.Database.Location);

        var start = await cli.RunAsync("start", "--port", "0");
        var status = await cli.RunAsync("db", "status", "--check", "quick");

        start.ExitCode.ShouldBe(4, start.ToString());
        start.Stderr.ShouldContain("startup quick_check failed");
        start.Stderr.ShouldContain("the file was not modified");
        status.ExitCode.ShouldBe(4, status.ToString());
        status.Stdout.ShouldContain("integrity_ok");
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(before);
    }

    [Fact]
    public async Task Db_maintenance_returns_freed_pages_to_the_filesystem_and_db_status_reports_the_wal()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_maintenance");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(cli.Database.Location, rows: 2000, payloadBytes: 4000, prefix: "garbage");
        await cli.Database.ExecuteRawAsync("DELETE FROM workflow_states");
        var sizeBefore = new FileInfo(cli.Database.Location).Length;

        var maintenance = await cli.RunAsync("db", "maintenance");

        maintenance.ExitCode.ShouldBe(0, maintenance.ToString());
        maintenance.Stdout.ShouldContain("mode                       incremental");
        new FileInfo(cli.Database.Location).Length.ShouldBeLessThan(sizeBefore / 4);

        SqliteTestFiles.WriteIntoWalOnly(cli.Database.Location, rows: 10, prefix: "in-wal");
        var status = await cli.RunAsync("db", "status", "--json", "--check", "full");
        status.ExitCode.ShouldBe(0, status.ToString());
        using var json = JsonDocument.Parse(status.Stdout);
        var facts = json.RootElement.GetProperty("status");
        facts.GetProperty("journal_mode").GetString().ShouldBe("wal");

        // 3.51.3 fixed the WAL-reset bug that can corrupt a database when two connections write
        // or checkpoint at once; the bundled library must be at least that.
        Version.Parse(facts.GetProperty("sqlite_version").GetString()!).ShouldBeGreaterThanOrEqualTo(new Version(3, 51, 3));
        facts.GetProperty("auto_vacuum").GetString().ShouldBe("INCREMENTAL");
        facts.GetProperty("wal_bytes").GetInt64().ShouldBeGreaterThan(0);
        facts.GetProperty("wal_frames").GetInt64().ShouldBeGreaterThan(0);
        facts.GetProperty("integrity").GetString().ShouldBe("ok");
        json.RootElement.GetProperty("migrations").GetProperty("current").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported_as_damaged_by_db_status_with_exit_4()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_not_db");
        await File.WriteAllTextAsync(cli.Database.Location, new string('x', 8192));

        var status = await cli.RunAsync("db", "status", "--json");

        status.ExitCode.ShouldBe(4, status.ToString());
        using var json = JsonDocument.Parse(status.Stdout);
        json.RootElement.GetProperty("status").GetProperty("integrity_ok").GetBoolean().ShouldBeFalse();
    }

    private static int CountLines(string text, string phrase) =>
        text.Split('\n').Count(line => line.Contains(phrase, StringComparison.Ordinal));
}
