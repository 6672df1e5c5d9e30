using System.Collections.Concurrent;
using Compozy.Data.Entities;
using Compozy.Data.IntegrationTests.Sqlite;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.FileSystem;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Operations;

/// <summary>
/// <see cref="IDatabaseBackup"/>: an online SQLite backup taken while writers write holds every
/// acknowledged write and passes integrity_check; PostgreSQL answers with its server's tools.
/// </summary>
public sealed class DatabaseBackupTests
{
    private const int Writers = 32;
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(60);

    [Theory, DatabaseData]
    public async Task A_backup_taken_during_32_concurrent_writers_holds_every_write_acknowledged_before_it_started(DatabaseKind kind)
    {
        await using var db = await (await TestDatabase.CreateAsync(kind, "backup_concurrent")).MigrateAsync();
        var backups = db.Services.GetRequiredService<IDatabaseBackup>();
        if (kind == DatabaseKind.Postgres)
        {
            var refused = await Should.ThrowAsync<DatabaseOperationNotSupportedException>(() => backups.BackupAsync(new DatabaseBackupRequest(), CancellationToken.None));
            refused.Message.ShouldContain("pg_dump");
            refused.Message.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(db.Location).Password!);
            backups.UnsupportedReason.ShouldNotBeNull();
            return;
        }

        // Enough data that the copy is not instantaneous.
        await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 2000, payloadBytes: 2000);
        var store = db.Services.GetRequiredService<IWorkflowStore>();
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var id = $"w{writer:D2}-{sequence:D6}";
                await store.UpsertStateAsync(new WorkflowState
                {
                    WorkflowExecId = id,
                    WorkflowId = "backup",
                    Status = ExecutionStatus.Running,
                    CreatedAt = DateTime.UtcNow,
                    UpdatedAt = DateTime.UtcNow,
                }, CancellationToken.None);
                acknowledged[id] = true;
                if (acknowledged.Count >= Writers * 10)
                {
                    warmedUp.TrySetResult();
                }
            }
        })).ToList();

        await warmedUp.Task.WaitAsync(LogWait);
        var before = acknowledged.Keys.ToHashSet();
        var report = await backups.BackupAsync(new DatabaseBackupRequest { Destination = Path.Combine(db.Directory!, "out") + "/" }, CancellationToken.None);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var path = (string)report["path"]!;
        report["integrity"].ShouldBe("ok");
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.EnumerateFiles(Path.GetDirectoryName(path)!).ShouldBe([path]);
        Scalar(path, "PRAGMA integrity_check").ShouldBe("ok");
        var inBackup = Ids(path);
        before.Except(inBackup).ShouldBeEmpty("every write acknowledged before the backup started is in it");
        inBackup.Count(id => id.StartsWith("row-", StringComparison.Ordinal)).ShouldBe(2000);
    }

    [Fact]
    public async Task A_backup_needs_no_writer_turn_and_leaves_out_a_write_not_yet_committed()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "backup_no_writer")).MigrateAsync();
        await SqliteCheckpointTests.WriteRowsAsync(db.Writer, count: 10, payloadBytes: 100);
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The writer holds its turn, and the write lock, in the middle of a transaction until the backup is done.
        var holding = db.Services.GetRequiredService<SqliteDatabaseWriter>().RunOnConnectionAsync(async (connection, _) =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, created_at, updated_at) VALUES ('uncommitted', 'x', 'RUNNING', '2026-01-01 00:00:00', '2026-01-01 00:00:00')";
                insert.ExecuteNonQuery();
            }

            inside.SetResult();
            await release.Task;
            transaction.Commit();
            return true;
        });
        await inside.Task;

        var report = await db.Services.GetRequiredService<IDatabaseBackup>().BackupAsync(new DatabaseBackupRequest(), CancellationToken.None);
        release.SetResult();
        await holding;

        var ids = Ids((string)report["path"]!);
        ids.Count.ShouldBe(10);
        ids.ShouldNotContain("uncommitted");
        Path.GetDirectoryName((string)report["path"]!).ShouldBe(Path.Combine(db.Directory!, "backups"));
        Path.GetFileName((string)report["path"]!).ShouldStartWith("compozy.backup-");
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "backup_exists")).MigrateAsync();
        var existing = Path.Combine(db.Directory!, "taken.db");
        await File.WriteAllTextAsync(existing, "keep me");

        var refused = await Should.ThrowAsync<BackupInputException>(() =>
            db.Services.GetRequiredService<IDatabaseBackup>().BackupAsync(new DatabaseBackupRequest { Destination = existing }, CancellationToken.None));

        refused.Message.ShouldContain("never overwrites");
        (await File.ReadAllTextAsync(existing)).ShouldBe("keep me");
    }

    [Fact]
    public async Task Scheduled_backups_rotate_to_the_newest_keep_leave_other_files_and_measure_the_age_of_the_last_good_one()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "backup_scheduled")).MigrateAsync();
        var directory = Path.Combine(db.Directory!, "scheduled");
        Directory.CreateDirectory(directory);
        var premigrate = Path.Combine(directory, "compozy.pre-migrate-20260101T000000.000Z.db");
        await File.WriteAllTextAsync(premigrate, "not rotated");
        await db.DisposeServicesAsync();
        await using var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?>
        {
            ["database:sqlite:backup:interval"] = "1s",
            ["database:sqlite:backup:dir"] = directory,
            ["database:sqlite:backup:keep"] = "2",
        });
        using var recorder = new MeterRecorder(host.Services);
        await host.Host.StartAsync();

        await host.Logs.WaitForCountAsync("scheduled backup completed", 3, LogWait);
        recorder.Observe();

        var line = host.Logs.Containing("scheduled backup completed")[2];
        line.ShouldContain("verification=integrity_check ok");
        line.ShouldContain("bytes=");
        line.ShouldContain("duration_ms=");
        line.ShouldContain("rotation deleted 1");
        Directory.EnumerateFiles(directory, "compozy.backup-*.db").Count().ShouldBe(2);
        File.Exists(premigrate).ShouldBeTrue();
        recorder.Sum("compozy.data.sqlite.backups", "result=ok").ShouldBeGreaterThanOrEqualTo(3);
        recorder.Values("compozy.data.sqlite.backup.age").ShouldHaveSingleItem().ShouldBeLessThan(LogWait.TotalSeconds);
    }

    [Fact]
    public async Task With_the_network_filesystem_fallback_the_backup_is_made_on_the_writer_which_locks_everyone_else_out()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"compozy-test-{Guid.NewGuid():N}");
        var path = Path.Combine(directory, "compozy.db");
        try
        {
            await using var services = TestDatabase.BuildServices(
                new Dictionary<string, string?>
                {
                    ["database:driver"] = "sqlite",
                    ["database:path"] = path,
                    ["database:sqlite:allow_network_filesystem"] = "true",
                    ["database:sqlite:busy_timeout"] = "200ms",
                },
                before: registrations => registrations.AddSingleton<IFileSystemProbe>(new FixedProbe(new FileSystemType("nfs", 0x6969, IsNetwork: true))));
            await services.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>().UpAsync();
            await SqliteCheckpointTests.WriteRowsAsync(services.GetRequiredService<IDatabaseWriter>(), count: 7, payloadBytes: 100);

            var report = await services.GetRequiredService<IDatabaseBackup>().BackupAsync(new DatabaseBackupRequest(), CancellationToken.None);

            report["integrity"].ShouldBe("ok");
            Ids((string)report["path"]!).Count.ShouldBe(7);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static HashSet<string> Ids(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT workflow_exec_id FROM workflow_states";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private sealed class FixedProbe(FileSystemType type) : IFileSystemProbe
    {
        public FileSystemType Probe(string directory) => type;
    }
}
