using System.Globalization;
using Compozy.Data.Operations;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Operations;

/// <summary>
/// <see cref="IDatabaseRecovery"/>: a SQLite file with a damaged page is replaced by its newest
/// verified backup, its own files kept aside byte for byte; refusals change nothing; PostgreSQL
/// answers with its server's recovery.
/// </summary>
public sealed class DatabaseRecoveryTests
{
    [Theory, DatabaseData]
    public async Task A_damaged_database_is_replaced_by_its_newest_verified_backup_and_its_files_are_kept_byte_for_byte(DatabaseKind kind)
    {
        await using var db = await (await TestDatabase.CreateAsync(kind, "recover_damaged")).MigrateAsync();
        var recovery = db.Services.GetRequiredService<IDatabaseRecovery>();
        if (kind == DatabaseKind.Postgres)
        {
            var refused = await Should.ThrowAsync<DatabaseOperationNotSupportedException>(() => recovery.RecoverAsync(new DatabaseRecoveryRequest(), CancellationToken.None));
            refused.Message.ShouldContain("point-in-time recovery");
            refused.Message.ShouldContain("docs/database/postgresql.md");
            refused.Message.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(db.Location).Password!);
            recovery.UnsupportedReason.ShouldNotBeNull();
            return;
        }

        var backups = db.Services.GetRequiredService<IDatabaseBackup>();
        SqliteTestFiles.Fill(db.Location, rows: 10, payloadBytes: 100, prefix: "old");
        var older = (string)(await backups.BackupAsync(new DatabaseBackupRequest(), CancellationToken.None))["path"]!;
        SqliteTestFiles.Fill(db.Location, rows: 3000, payloadBytes: 400, prefix: "kept");
        var newest = (string)(await backups.BackupAsync(new DatabaseBackupRequest(), CancellationToken.None))["path"]!;
        await db.DisposeServicesAsync();
        SqliteTestFiles.Fill(db.Location, rows: 20, payloadBytes: 100, prefix: "lost");
        SqliteTestFiles.WriteIntoWalOnly(db.Location, rows: 3, prefix: "lost-in-wal");
        SqliteTestFiles.DamageMiddlePage(db.Location);
        var database = SqliteTestFiles.Hash(db.Location);
        var wal = SqliteTestFiles.Hash(db.Location + "-wal");
        wal.ShouldNotBe("absent");

        await using var services = TestDatabase.BuildServices(db.Settings);
        var dryRun = await services.GetRequiredService<IDatabaseRecovery>().RecoverAsync(new DatabaseRecoveryRequest { DryRun = true }, CancellationToken.None);
        SqliteTestFiles.Hash(db.Location).ShouldBe(database, "a dry run changes nothing");
        File.Exists((string)dryRun["moved_aside"]!).ShouldBeFalse();
        var report = await services.GetRequiredService<IDatabaseRecovery>().RecoverAsync(new DatabaseRecoveryRequest(), CancellationToken.None);

        dryRun["backup"].ShouldBe(newest);
        dryRun["dry_run"].ShouldBe(true);
        report["backup"].ShouldBe(newest, $"the newest of {older} and {newest}");
        report["dry_run"].ShouldBe(false);
        report["integrity"].ShouldBe("ok");
        var movedAside = (string)report["moved_aside"]!;
        Path.GetFileName(movedAside).ShouldStartWith("compozy.db.damaged-");
        SqliteTestFiles.Hash(movedAside).ShouldBe(database);
        SqliteTestFiles.Hash(movedAside + "-wal").ShouldBe(wal);
        File.Exists(db.Location + "-wal").ShouldBeFalse();
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'").ShouldBe(1);
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states").ShouldBe(3010);
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'lost%'").ShouldBe(0);

        var lostFrom = DateTimeOffset.Parse((string)report["lost_from"]!, CultureInfo.InvariantCulture);
        var lostUntil = DateTimeOffset.Parse((string)report["lost_until"]!, CultureInfo.InvariantCulture);
        lostFrom.ShouldBe(DateTimeOffset.Parse((string)report["backup_time"]!, CultureInfo.InvariantCulture));
        lostUntil.ShouldBe(DateTimeOffset.Parse((string)report["damaged_last_modified"]!, CultureInfo.InvariantCulture));
        lostUntil.ShouldBeGreaterThan(lostFrom);
        ((double)report["lost_seconds"]!).ShouldBe(Math.Round((lostUntil - lostFrom).TotalSeconds, 3));
    }

    [Fact]
    public async Task Refusals_change_nothing_a_sound_database_no_backup_and_a_backup_damaged_too()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "recover_refused")).MigrateAsync();
        SqliteTestFiles.Fill(db.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        var backup = (string)(await db.Services.GetRequiredService<IDatabaseBackup>().BackupAsync(new DatabaseBackupRequest { Destination = Path.Combine(db.Directory!, "elsewhere") + "/" }, CancellationToken.None))["path"]!;
        await db.DisposeServicesAsync();
        await using var services = TestDatabase.BuildServices(db.Settings);
        var recovery = services.GetRequiredService<IDatabaseRecovery>();

        var sound = SqliteTestFiles.Hash(db.Location);
        var notDamaged = await Should.ThrowAsync<DatabaseNotDamagedException>(() => recovery.RecoverAsync(new DatabaseRecoveryRequest(), CancellationToken.None));
        notDamaged.Message.ShouldContain("compozy db restore");
        SqliteTestFiles.Hash(db.Location).ShouldBe(sound);

        SqliteTestFiles.DamageMiddlePage(db.Location);
        var damaged = SqliteTestFiles.Hash(db.Location);
        var noBackup = await Should.ThrowAsync<DatabaseIntegrityException>(() => recovery.RecoverAsync(new DatabaseRecoveryRequest(), CancellationToken.None));
        noBackup.Message.ShouldContain("no verified backup was found in " + Path.Combine(db.Directory!, "backups"));
        noBackup.Message.ShouldContain("it holds no backup of this database");

        // The only backup in the directory is damaged too.
        var backupsDirectory = Path.Combine(db.Directory!, "backups");
        Directory.CreateDirectory(backupsDirectory);
        var copy = Path.Combine(backupsDirectory, "compozy.backup-20261201T000000.000Z.db");
        File.Copy(backup, copy);
        SqliteTestFiles.DamageMiddlePage(copy);
        var allDamaged = await Should.ThrowAsync<DatabaseIntegrityException>(() => recovery.RecoverAsync(new DatabaseRecoveryRequest(), CancellationToken.None));
        allDamaged.Message.ShouldContain("none passed verification: compozy.backup-20261201T000000.000Z.db failed integrity_check");

        SqliteTestFiles.Hash(db.Location).ShouldBe(damaged);
        Directory.EnumerateFiles(db.Directory!, "*.damaged-*").ShouldBeEmpty();

        // The sound backup elsewhere, given by name, is used.
        var report = await recovery.RecoverAsync(new DatabaseRecoveryRequest { BackupFile = backup }, CancellationToken.None);
        report["backup"].ShouldBe(backup);
        report["lost_from"].ShouldBe(report["backup_time"]);
        Path.GetFileName(backup).ShouldContain(DateTimeOffset.Parse((string)report["backup_time"]!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'.'fff'Z'", CultureInfo.InvariantCulture), customMessage: "the time of a backup is the one in its name");
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states").ShouldBe(3000);
    }
}
