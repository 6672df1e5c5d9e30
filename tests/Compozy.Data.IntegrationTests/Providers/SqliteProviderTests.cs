using Compozy.Data.Entities;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Providers;

public sealed class SqliteProviderTests
{
    [Fact]
    public async Task A_new_database_gets_a_private_directory_and_file()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "permissions", new Dictionary<string, string?>());
        var nested = Path.Combine(db.Directory!, "data", "nested", "compozy.db");
        await using var services = TestDatabase.BuildServices(new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = nested });

        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Compozy.Data.Migrations.MigrationRunner>(services).UpAsync();

        File.GetUnixFileMode(Path.GetDirectoryName(nested)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Path.Combine(db.Directory!, "data")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(nested).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(nested + "-wal").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task An_existing_directory_keeps_its_permissions()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "existing_dir");
        var modeBefore = File.GetUnixFileMode(db.Directory!);

        await db.MigrateAsync();

        File.GetUnixFileMode(db.Directory!).ShouldBe(modeBefore);
    }

    [Fact]
    public async Task The_writer_runs_in_wal_with_full_sync_and_readers_cannot_write()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "pragmas")).MigrateAsync();

        var writerSettings = await db.Writer.RunExclusiveAsync(async (context, token) =>
            (await Pragma(context, "journal_mode"), await Pragma(context, "synchronous"), await Pragma(context, "foreign_keys"), await Pragma(context, "query_only")));
        writerSettings.ShouldBe(("wal", "2", "1", "0"));

        await using var reader = await db.Contexts.CreateDbContextAsync();
        (await Pragma(reader, "query_only")).ShouldBe("1");
        (await Pragma(reader, "foreign_keys")).ShouldBe("1");
        var error = await Should.ThrowAsync<SqliteException>(() => reader.Database.ExecuteSqlRawAsync("DELETE FROM workflow_states"));
        error.SqliteErrorCode.ShouldBe(8, "SQLITE_READONLY");

        await using var raw = new SqliteConnection($"Data Source={db.Location};Mode=ReadOnly");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA auto_vacuum";
        (await command.ExecuteScalarAsync()).ShouldBe(2L, "incremental auto-vacuum is set before the first table");
    }

    [Fact]
    public async Task Sixty_four_concurrent_writers_and_readers_never_see_a_busy_error()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "concurrent_writers")).MigrateAsync();
        using var recorder = new MeterRecorder(db.Services);
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                await using var context = await db.Contexts.CreateDbContextAsync();
                await context.WorkflowStates.CountAsync(state => state.WorkflowId == "concurrency");
                reads++;
            }

            return reads;
        })).ToList();
        var writers = Enumerable.Range(0, 64).Select(writerIndex => Task.Run(async () =>
        {
            for (var round = 0; round < 10; round++)
            {
                var id = $"wf-{writerIndex}-{round}";
                await db.Writer.WriteAsync(async (context, token) =>
                {
                    // Read-then-write inside the unit: under deferred transactions this is the pattern that fails with SQLITE_BUSY.
                    (await context.WorkflowStates.AnyAsync(state => state.WorkflowExecId == id, token)).ShouldBeFalse();
                    context.WorkflowStates.Add(new WorkflowState
                    {
                        WorkflowExecId = id,
                        WorkflowId = "concurrency",
                        Status = ExecutionStatus.Pending,
                        CreatedAt = DateTime.UtcNow,
                        UpdatedAt = DateTime.UtcNow,
                    });
                });
            }
        })).ToList();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        var reads = await Task.WhenAll(readers);

        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.WorkflowStates.CountAsync(state => state.WorkflowId == "concurrency")).ShouldBe(640);
        reads.Sum().ShouldBeGreaterThan(0);
        recorder.Sum("compozy.data.sqlite.busy").ShouldBe(0);
        recorder.Values("compozy.data.sqlite.writer.batch_size").ShouldContain(size => size > 1, "concurrent writers share commits");
    }

    [Fact]
    public async Task An_in_memory_database_is_shared_by_one_host_and_private_to_it()
    {
        var settings = new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = ":memory:" };
        await using var first = TestDatabase.BuildServices(settings);
        await using var second = TestDatabase.BuildServices(settings);
        var firstRunner = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>(first);
        var secondRunner = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Compozy.Data.Migrations.MigrationRunner>(second);

        await firstRunner.UpAsync();

        (await firstRunner.GetStatusAsync()).IsCurrent.ShouldBeTrue("a read context of the same host sees what its writer created");
        (await secondRunner.GetStatusAsync()).Applied.ShouldBeEmpty("another host has its own in-memory database");

        var writer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IDatabaseWriter>(first);
        await writer.WriteAsync(async (context, token) =>
        {
            context.WorkflowStates.Add(new WorkflowState { WorkflowExecId = "mem-1", WorkflowId = "memory", Status = ExecutionStatus.Running, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await Task.CompletedTask;
        });
        var contexts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<IDbContextFactory<Compozy.Data.Persistence.CompozyDbContext>>(first);
        await using (var one = await contexts.CreateDbContextAsync())
        await using (var two = await contexts.CreateDbContextAsync())
        {
            (await one.WorkflowStates.CountAsync()).ShouldBe(1);
            (await two.WorkflowStates.CountAsync()).ShouldBe(1);
        }
    }

    private static async Task<string> Pragma(DbContext context, string name)
    {
        await context.Database.OpenConnectionAsync();
        try
        {
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {name}";
            return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
