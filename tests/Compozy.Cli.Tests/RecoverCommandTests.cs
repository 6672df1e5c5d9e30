using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// <c>compozy db recover</c> and <c>database.sqlite.recover_on_start</c>, as an operator meets
/// them: a backup, more writes, a damaged page, then recovery or a refusal that changes nothing.
/// </summary>
public sealed class RecoverCommandTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Recover_keeps_the_damaged_files_aside_byte_for_byte_restores_the_backup_and_names_the_lost_window()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_recover");
        var (backup, database, wal) = await BackUpThenDamageAsync(cli);

        var dryRun = await cli.RunAsync("db", "recover", "--dry-run", "--json");
        dryRun.ExitCode.ShouldBe(0, dryRun.ToString());
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);

        var result = await cli.RunAsync("db", "recover", "--json");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stderr.ShouldContain("recovery completed: " + cli.Database.Location + " was damaged (");
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        root.GetProperty("driver").GetString().ShouldBe("sqlite");
        root.GetProperty("backup").GetString().ShouldBe(backup);
        root.GetProperty("dry_run").GetBoolean().ShouldBeFalse();
        root.GetProperty("lost_from").GetString().ShouldBe(root.GetProperty("backup_time").GetString());
        root.GetProperty("lost_until").GetString().ShouldBe(root.GetProperty("damaged_last_modified").GetString());
        root.GetProperty("lost_seconds").GetDouble().ShouldBeGreaterThan(0);
        root.GetProperty("damage").GetString()!.ShouldContain("page ");
        var movedAside = root.GetProperty("moved_aside").GetString()!;
        movedAside.ShouldStartWith(cli.Database.Location + ".damaged-");
        root.GetProperty("moved_aside_companions").GetString()!.ShouldContain(movedAside + "-wal");
        SqliteTestFiles.Hash(movedAside).ShouldBe(database);
        SqliteTestFiles.Hash(movedAside + "-wal").ShouldBe(wal);
        using (var dry = JsonDocument.Parse(dryRun.Stdout))
        {
            dry.RootElement.GetProperty("dry_run").GetBoolean().ShouldBeTrue();
            dry.RootElement.GetProperty("backup").GetString().ShouldBe(backup);
            dry.RootElement.GetProperty("lost_from").GetString().ShouldBe(root.GetProperty("lost_from").GetString());
        }

        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'before-%'").ShouldBe(3000);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states").ShouldBe(3000);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM users").ShouldBe(0);
        var status = await cli.RunAsync("db", "status", "--check", "full");
        status.ExitCode.ShouldBe(0, status.ToString());
        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
    }

    [Theory, DatabaseData]
    public async Task Recover_refuses_a_sound_database_with_exit_7_and_postgres_with_exit_6_touching_nothing(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_recover_sound");
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);

        var result = await cli.RunAsync("db", "recover");

        if (database == DatabaseKind.Postgres)
        {
            result.ExitCode.ShouldBe(6, result.ToString());
            result.Stderr.ShouldContain("point-in-time recovery");
            result.Stderr.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cli.Database.Location).Password!);
            return;
        }

        result.ExitCode.ShouldBe(7, result.ToString());
        result.Stderr.ShouldContain("passed integrity_check: there is no damage to recover from, and nothing was changed");
        Directory.EnumerateFiles(Path.GetDirectoryName(cli.Database.Location)!, "*.damaged-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task Recover_refuses_without_a_verified_backup_with_exit_4_and_while_a_host_runs_with_exit_5_touching_nothing()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_recover_refused");
        var (backup, database, wal) = await BackUpThenDamageAsync(cli);
        SqliteTestFiles.DamageMiddlePage(backup);

        var onlyBackupDamaged = await cli.RunAsync("db", "recover");
        var givenDamaged = await cli.RunAsync("db", "recover", "--backup", backup);
        var notCompozy = Path.Combine(cli.WorkingDirectory, "notes.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={notCompozy};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE notes (text TEXT)";
            create.ExecuteNonQuery();
        }

        var givenForeign = await cli.RunAsync("db", "recover", "--backup", notCompozy);
        var givenMissing = await cli.RunAsync("db", "recover", "--backup", Path.Combine(cli.WorkingDirectory, "nope.db"));
        File.Delete(backup);
        var noBackup = await cli.RunAsync("db", "recover", "--json");

        onlyBackupDamaged.ExitCode.ShouldBe(4, onlyBackupDamaged.ToString());
        onlyBackupDamaged.Stderr.ShouldContain($"none passed verification: {Path.GetFileName(backup)} failed integrity_check");
        onlyBackupDamaged.Stderr.ShouldContain("Nothing was changed");
        onlyBackupDamaged.Stderr.ShouldNotContain("   at ");
        givenDamaged.ExitCode.ShouldBe(4, givenDamaged.ToString());
        givenDamaged.Stderr.ShouldContain($"the backup {backup} (--backup) failed integrity_check");
        givenForeign.ExitCode.ShouldBe(2, givenForeign.ToString());
        givenForeign.Stderr.ShouldContain("not a Compozy one");
        givenMissing.ExitCode.ShouldBe(2, givenMissing.ToString());
        noBackup.ExitCode.ShouldBe(4, noBackup.ToString());
        noBackup.Stderr.ShouldContain("it holds no backup of this database");
        noBackup.Stdout.ShouldBeEmpty();
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);
        Directory.EnumerateFiles(Path.GetDirectoryName(cli.Database.Location)!, "*.damaged-*").ShouldBeEmpty();

        // A host on a sound database: recover does not even look at it.
        await using var sound = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_recover_in_use");
        (await sound.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        await using var host = await CompozyProcess.StartHostAsync(sound.WorkingDirectory, sound.Environment);
        var inUse = await sound.RunAsync("db", "recover");
        inUse.ExitCode.ShouldBe(5, inUse.ToString());
        inUse.Stderr.ShouldContain("is in use");
        inUse.Stderr.ShouldContain("run compozy db recover again; nothing was changed");
        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
        Directory.EnumerateFiles(Path.GetDirectoryName(sound.Database.Location)!, "*.damaged-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_refuses_a_damaged_database_pointing_to_db_recover_and_with_recover_on_start_recovers_then_serves()
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_recover_on_start");
        var (backup, database, wal) = await BackUpThenDamageAsync(cli);

        var refused = await cli.RunAsync("start", "--port", "0");

        refused.ExitCode.ShouldBe(4, refused.ToString());
        refused.Stderr.ShouldContain("Recover it from its newest verified backup with compozy db recover (or set database.sqlite.recover_on_start: true");
        SqliteTestFiles.Hash(cli.Database.Location).ShouldBe(database);
        SqliteTestFiles.Hash(cli.Database.Location + "-wal").ShouldBe(wal);

        cli.Environment["DB_SQLITE_RECOVER_ON_START"] = "true";
        await using (var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment))
        {
            (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
            host.Stderr.ShouldContain($"startup recovered {cli.Database.Location} from the backup {backup}: writes made between ");
            host.Stderr.ShouldContain("store initialized");
        }

        var movedAside = Directory.EnumerateFiles(Path.GetDirectoryName(cli.Database.Location)!, "compozy.db.damaged-*").Where(path => !path.EndsWith("-wal", StringComparison.Ordinal) && !path.EndsWith("-shm", StringComparison.Ordinal)).ShouldHaveSingleItem();
        SqliteTestFiles.Hash(movedAside).ShouldBe(database);
        SqliteTestFiles.Hash(movedAside + "-wal").ShouldBe(wal);
        SqliteTestFiles.Count(cli.Database.Location, "SELECT count(*) FROM workflow_states").ShouldBe(3000);
    }

    [Theory]
    [InlineData("OFF", "database.sqlite.recover_on_start: true needs the startup integrity check")]
    [InlineData("QUICK", null)]
    public async Task Recover_on_start_without_the_startup_check_is_refused_with_exit_2_naming_the_key(string check, string? expected)
    {
        await using var cli = await CliDatabase.CreateAsync(DatabaseKind.Sqlite, "cli_recover_config");
        cli.Environment["DB_SQLITE_RECOVER_ON_START"] = "true";
        cli.Environment["DB_SQLITE_INTEGRITY_CHECK_ON_STARTUP"] = check;

        var result = await cli.RunAsync("migrate", "up");

        if (expected is null)
        {
            result.ExitCode.ShouldBe(0, result.ToString());
            return;
        }

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldContain("allowed:");
    }

    // A migrated database with 3,000 workflows backed up into the default backup directory, then
    // 20 more workflows, committed users left in its WAL, and one leaf page of workflow_states
    // overwritten. Returns the backup and the damaged files' hashes.
    private static async Task<(string Backup, string Database, string Wal)> BackUpThenDamageAsync(CliDatabase cli)
    {
        (await cli.RunAsync("migrate", "up")).ExitCode.ShouldBe(0);
        SqliteTestFiles.Fill(cli.Database.Location, rows: 3000, payloadBytes: 400, prefix: "before");
        var backedUp = await cli.RunAsync("db", "backup", "--json");
        backedUp.ExitCode.ShouldBe(0, backedUp.ToString());
        string backup;
        using (var json = JsonDocument.Parse(backedUp.Stdout))
        {
            backup = json.RootElement.GetProperty("path").GetString()!;
        }

        SqliteTestFiles.Fill(cli.Database.Location, rows: 20, payloadBytes: 400, prefix: "after");
        SqliteDamage.WriteUsersIntoWalOnly(cli.Database.Location, rows: 5);
        SqliteDamage.DamageLeafPageOf(cli.Database.Location, "workflow_states");
        var wal = SqliteTestFiles.Hash(cli.Database.Location + "-wal");
        wal.ShouldNotBe("absent");
        return (backup, SqliteTestFiles.Hash(cli.Database.Location), wal);
    }
}
