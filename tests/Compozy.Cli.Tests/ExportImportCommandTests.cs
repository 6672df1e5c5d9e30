using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary><c>compozy db export</c> and <c>db import</c> as an operator runs them: the exit codes of docs/cli/db.md, with nothing written on a refusal.</summary>
public sealed class ExportImportCommandTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Theory, DatabaseData]
    public async Task A_tampered_newer_or_foreign_dump_and_a_missing_migration_are_refused_and_the_good_dump_then_imports_into_the_untouched_target(DatabaseKind target)
    {
        await using var source = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_export_source");
        var bootstrap = await source.RunAsync("auth", "bootstrap", "--email", "ops@example.com");
        bootstrap.ExitCode.ShouldBe(0, bootstrap.ToString());
        var dump = Path.Combine(source.WorkingDirectory, "dump.jsonl");

        var exported = await source.RunAsync("db", "export", "--out", dump, "--json");
        exported.ExitCode.ShouldBe(0, exported.ToString());
        using (var report = JsonDocument.Parse(exported.Stdout))
        {
            report.RootElement.GetProperty("rows_users").GetInt64().ShouldBe(1);
            report.RootElement.GetProperty("rows_api_keys").GetInt64().ShouldBe(1);
            report.RootElement.GetProperty("path").GetString().ShouldBe(dump);
        }

        exported.Stderr.ShouldContain("export: users 1 rows");
        File.GetUnixFileMode(dump).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var again = await source.RunAsync("db", "export", "--out", dump);
        again.ExitCode.ShouldBe(2, again.ToString());
        again.Stderr.ShouldContain("exists");

        var text = await File.ReadAllTextAsync(dump);
        var tampered = Write(source, "tampered.jsonl", text.Replace("ops@example.com", "evil@example.com", StringComparison.Ordinal));
        var lines = text.Split('\n');
        lines[0] = lines[0].Replace("[\"Baseline\",\"AuditEvents\",\"TaskListingIndex\"]", "[\"Baseline\",\"AuditEvents\",\"TaskListingIndex\",\"AddWidgets\"]", StringComparison.Ordinal);
        var newer = Write(source, "newer.jsonl", string.Join('\n', lines));
        var foreign = Write(source, "foreign.jsonl", "hello\n");

        await using var cli = await CliDatabase.CreateAsync(target, "cli_import_target");
        if (target == DatabaseKind.Postgres)
        {
            // (A SQLite test database's directory has files beside the missing database, which
            // the missing-database rule refuses with exit 4 before any migration is read.)
            var unmigrated = await cli.RunAsync("db", "import", dump);
            unmigrated.ExitCode.ShouldBe(3, unmigrated.ToString());
            unmigrated.Stderr.ShouldContain("compozy migrate up");
        }

        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);

        var damaged = await cli.RunAsync("db", "import", tampered);
        damaged.ExitCode.ShouldBe(4, damaged.ToString());
        damaged.Stderr.ShouldContain("table users");
        var future = await cli.RunAsync("db", "import", newer);
        future.ExitCode.ShouldBe(3, future.ToString());
        future.Stderr.ShouldContain("AddWidgets");
        var notDump = await cli.RunAsync("db", "import", foreign);
        notDump.ExitCode.ShouldBe(2, notDump.ToString());
        notDump.Stderr.ShouldContain("is not a Compozy dump");
        var missing = await cli.RunAsync("db", "import", Path.Combine(cli.WorkingDirectory, "nowhere.jsonl"));
        missing.ExitCode.ShouldBe(2, missing.ToString());

        // The refusals wrote nothing: the target is still empty, which the import requires.
        var imported = await cli.RunAsync("db", "import", dump, "--json");
        imported.ExitCode.ShouldBe(0, imported.ToString());
        using (var report = JsonDocument.Parse(imported.Stdout))
        {
            report.RootElement.GetProperty("rows").GetInt64().ShouldBe(2);
            report.RootElement.GetProperty("source_driver").GetString().ShouldBe("sqlite");
        }

        imported.Stderr.ShouldContain("verify: users 1 rows");
        var twice = await cli.RunAsync("db", "import", dump);
        twice.ExitCode.ShouldBe(2, twice.ToString());
        twice.Stderr.ShouldContain("table users holds rows");
    }

    [Fact]
    public async Task Import_into_a_sqlite_database_a_host_holds_exits_5_and_writes_nothing()
    {
        await using var source = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_export_in_use");
        (await source.RunAsync("auth", "bootstrap", "--email", "ops@example.com")).ExitCode.ShouldBe(0);
        var dump = Path.Combine(source.WorkingDirectory, "dump.jsonl.gz");
        (await source.RunAsync("db", "export", "--out", dump)).ExitCode.ShouldBe(0);

        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_import_in_use");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await using (var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment))
        {
            var refused = await cli.RunAsync("db", "import", dump);

            refused.ExitCode.ShouldBe(5, refused.ToString());
            refused.Stderr.ShouldContain("is in use");
            refused.Stderr.ShouldContain("nothing was written");
            (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
        }

        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM users").ShouldBe(0);
        var imported = await cli.RunAsync("db", "import", dump);
        imported.ExitCode.ShouldBe(0, imported.ToString());
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM users").ShouldBe(1);
    }

    private static string Write(CliDatabase cli, string name, string content)
    {
        var path = Path.Combine(cli.WorkingDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
