using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary><c>compozy db backup</c>, <c>db restore</c> and the backup <c>migrate up</c> takes first, as an operator runs them.</summary>
public sealed class BackupRestoreCommandTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Theory, DatabaseData]
    public async Task Db_backup_json_names_a_checked_owner_only_file_and_postgres_is_told_to_use_pg_dump(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_backup");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);

        var result = await cli.RunAsync("db", "backup", "--out", Path.Combine(cli.WorkingDirectory, "copies") + "/", "--json");

        if (database == DatabaseKind.Postgres)
        {
            result.ExitCode.ShouldBe(6, result.ToString());
            result.Stderr.ShouldContain("pg_dump");
            result.Stderr.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cli.Database.Location).Password!);
            Directory.Exists(Path.Combine(cli.WorkingDirectory, "copies")).ShouldBeFalse();
            return;
        }

        result.ExitCode.ShouldBe(0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var path = json.RootElement.GetProperty("path").GetString()!;
        json.RootElement.GetProperty("driver").GetString().ShouldBe("sqlite");
        json.RootElement.GetProperty("integrity").GetString().ShouldBe("ok");
        json.RootElement.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(path).Length);
        json.RootElement.GetProperty("migrations_applied").GetInt64().ShouldBeGreaterThan(0);
        Path.GetDirectoryName(path).ShouldBe(Path.Combine(cli.WorkingDirectory, "copies"));
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task Db_backup_to_an_existing_file_exits_2_and_leaves_it_alone()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_backup_exists");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        var existing = Path.Combine(cli.WorkingDirectory, "taken.db");
        await File.WriteAllTextAsync(existing, "keep me");

        var result = await cli.RunAsync("db", "backup", "--out", existing);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("never overwrites");
        (await File.ReadAllTextAsync(existing)).ShouldBe("keep me");
    }

    [Fact]
    public async Task Restore_is_refused_while_the_host_runs_and_after_it_stops_the_data_is_the_backups_and_the_replaced_file_is_kept()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_restore");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(cli.Database.Location, rows: 10, payloadBytes: 100, prefix: "before");
        var backup = await cli.RunAsync("db", "backup", "--out", Path.Combine(cli.WorkingDirectory, "b.db"));
        backup.ExitCode.ShouldBe(0, backup.ToString());
        SqliteTestFiles.Fill(cli.Database.Location, rows: 5, payloadBytes: 100, prefix: "after");

        await using (var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment))
        {
            var refused = await cli.RunAsync("db", "restore", Path.Combine(cli.WorkingDirectory, "b.db"));

            refused.ExitCode.ShouldBe(5, refused.ToString());
            refused.Stderr.ShouldContain("is in use");
            refused.Stderr.ShouldContain("nothing was changed");
            (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
        }

        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states").ShouldBe(15);
        SqliteTestFiles.WriteIntoWalOnly(cli.Database.Location, rows: 3, prefix: "in-wal");

        var restored = await cli.RunAsync("db", "restore", Path.Combine(cli.WorkingDirectory, "b.db"), "--json");

        restored.ExitCode.ShouldBe(0, restored.ToString());
        using var json = JsonDocument.Parse(restored.Stdout);
        var replaced = json.RootElement.GetProperty("replaced").GetString()!;
        json.RootElement.GetProperty("database").GetString().ShouldBe(cli.Database.Location);
        File.Exists(cli.Database.Location + "-wal").ShouldBeFalse("no WAL of the replaced file may be replayed over the restored one");
        File.Exists(cli.Database.Location + "-shm").ShouldBeFalse();
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'before-%'").ShouldBe(10);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states").ShouldBe(10);
        File.Exists(replaced + "-wal").ShouldBeTrue();
        SqliteTestFiles.Count(replaced, "SELECT count(*) FROM workflow_states").ShouldBe(18);
        File.GetUnixFileMode(cli.Database.Location).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var status = await cli.RunAsync("db", "status", "--check", "full");
        status.ExitCode.ShouldBe(0, status.ToString());
        await using var again = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        (await again.TerminateAsync(ShutdownAllowance)).ShouldBe(0, again.Stderr);
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_compozy_database_or_is_damaged_and_changes_nothing()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_restore_bad");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(cli.Database.Location, rows: 3, payloadBytes: 100, prefix: "mine");
        var other = Path.Combine(cli.WorkingDirectory, "other.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE notes (text TEXT)";
            create.ExecuteNonQuery();
        }

        var damaged = Path.Combine(cli.WorkingDirectory, "damaged.db");
        (await cli.RunAsync("db", "backup", "--out", damaged)).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(damaged, rows: 3000, payloadBytes: 400, prefix: "fill");
        SqliteTestFiles.DamageMiddlePage(damaged);

        // After the backup, which records itself in the audit log.
        var before = SqliteTestFiles.Hash(cli.Database.Location);
        var foreign = await cli.RunAsync("db", "restore", other);
        var broken = await cli.RunAsync("db", "restore", damaged);
        var missing = await cli.RunAsync("db", "restore", Path.Combine(cli.WorkingDirectory, "nope.db"));
        var both = await cli.RunAsync("db", "restore", other, "--keep-replaced", "--discard-replaced");

        foreign.ExitCode.ShouldBe(2, foreign.ToString());
        foreign.Stderr.ShouldContain("not a Compozy one");
        broken.ExitCode.ShouldBe(4, broken.ToString());
        broken.Stderr.ShouldContain("failed integrity_check");
        missing.ExitCode.ShouldBe(2, missing.ToString());
        both.ExitCode.ShouldBe(2, both.ToString());
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(before);
        Directory.EnumerateFiles(Path.GetDirectoryName(cli.Database.Location)!, "*.replaced-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrate_up_with_pending_migrations_backs_up_first_and_names_the_file_unless_no_backup()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_migrate_backup");
        var backupDirectory = Path.Combine(Path.GetDirectoryName(cli.Database.Location)!, "backups");

        var fresh = await cli.RunAsync("migrate", "up");
        fresh.ExitCode.ShouldBe(0, fresh.ToString());
        fresh.Stdout.ShouldNotContain("backup ", customMessage: "a new database has nothing to back up");
        SqliteTestFiles.Fill(cli.Database.Location, rows: 4, payloadBytes: 10, prefix: "kept");

        // This build has one migration, so the pending migration on a database that holds data
        // is its baseline again after the history was lost: the backup is taken, then the baseline
        // fails on the tables that exist and is rolled back.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={cli.Database.Location};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM \"__EFMigrationsHistory\"";
            await command.ExecuteNonQueryAsync();
        }

        var up = await cli.RunAsync("migrate", "up");

        up.ExitCode.ShouldBe(1, up.ToString());
        var path = Directory.EnumerateFiles(backupDirectory, "compozy.pre-migrate-*.db").ShouldHaveSingleItem();
        up.Stdout.ShouldStartWith($"backup   {path}");
        up.Stdout.ShouldNotContain("applied ");
        SqliteTestFiles.Count(path, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'kept-%'").ShouldBe(4);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'kept-%'").ShouldBe(4);

        var unguarded = await cli.RunAsync("migrate", "up", "--no-backup");
        unguarded.ExitCode.ShouldBe(1, unguarded.ToString());
        unguarded.Stdout.ShouldNotContain("backup ");
        Directory.EnumerateFiles(backupDirectory).Count().ShouldBe(1);
    }

    [Theory]
    [InlineData("DB_SQLITE_BACKUP_INTERVAL", "soon", "database.sqlite.backup.interval: \"soon\"")]
    [InlineData("DB_SQLITE_BACKUP_KEEP", "0", "database.sqlite.backup.keep: \"0\"")]
    public async Task A_bad_backup_setting_stops_start_with_exit_2_naming_the_key(string variable, string value, string expected)
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_backup_config");
        cli.Environment[variable] = value;

        var result = await cli.RunAsync("start", "--port", "0");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldContain("allowed:");
    }
}
