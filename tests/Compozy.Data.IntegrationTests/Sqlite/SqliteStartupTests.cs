using Compozy.Data.Operations;
using Compozy.Data.Startup;
using Compozy.Data.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteStartupTests
{
    [Fact]
    public async Task A_wal_left_by_a_crash_is_detected_checked_and_recovered_before_serving_without_losing_a_row()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "residue")).MigrateAsync();
        await db.DisposeServicesAsync();
        SqliteTestFiles.WriteIntoWalOnly(db.Location, rows: 50, prefix: "committed");
        new FileInfo(db.Location + "-wal").Length.ShouldBeGreaterThan(0);

        await using var host = SqliteTestHost.Create(db.Location);
        await host.Host.StartAsync();

        var lines = host.Logs.Lines;
        Index(lines, "startup detected WAL residue").ShouldBeLessThan(Index(lines, "startup quick_check passed"));
        Index(lines, "startup quick_check passed").ShouldBeLessThan(Index(lines, "startup-recovery checkpoint completed"));
        Index(lines, "startup-recovery checkpoint completed").ShouldBeLessThan(Index(lines, "store initialized"));
        host.Logs.Containing("startup-recovery checkpoint completed").ShouldHaveSingleItem().ShouldContain("WAL now 0 bytes");
        SqliteTestFiles.Count(db.Location, "SELECT count(*) FROM workflow_states WHERE workflow_exec_id LIKE 'committed-%'").ShouldBe(50);
    }

    [Theory]
    [InlineData("QUICK", "startup quick_check failed")]
    [InlineData("FULL", "startup integrity_check failed")]
    public async Task A_damaged_file_stops_the_start_with_the_first_problems_and_is_left_untouched(string level, string expected)
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "damaged")).MigrateAsync();
        await db.DisposeServicesAsync();
        SqliteTestFiles.Fill(db.Location, rows: 3000, payloadBytes: 400, prefix: "fill");
        SqliteTestFiles.DamageMiddlePage(db.Location);
        var before = SqliteTestFiles.Hash(db.Location);

        await using var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?> { ["database:sqlite:integrity_check_on_startup"] = level });
        var error = await Should.ThrowAsync<DatabaseIntegrityException>(() => host.Host.StartAsync());

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("the file was not modified");
        error.Problems.ShouldNotBeEmpty();
        error.Problems.ShouldNotContain("ok");
        host.Logs.Containing("store initialized").ShouldBeEmpty();
        await host.DisposeAsync();
        SqliteTestFiles.Hash(db.Location).ShouldBe(before);
        (File.Exists(db.Location + "-wal") ? new FileInfo(db.Location + "-wal").Length : 0).ShouldBe(0, "nothing was written, not even to a WAL");
    }

    [Fact]
    public async Task With_the_check_off_a_new_database_starts_without_checking()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "new");
        await using var host = SqliteTestHost.Create(db.Location, new Dictionary<string, string?> { ["database:sqlite:integrity_check_on_startup"] = "OFF" });

        await host.Host.StartAsync();

        host.Logs.Containing("is a new database; nothing to check or recover").ShouldHaveSingleItem();
        host.Logs.Containing("quick_check").ShouldBeEmpty();
        host.Services.GetRequiredService<DatabaseInitializer>().IsInitialized.ShouldBeTrue();
    }

    private static int Index(IReadOnlyList<string> lines, string phrase)
    {
        var index = lines.ToList().FindIndex(line => line.Contains(phrase, StringComparison.Ordinal));
        index.ShouldBeGreaterThanOrEqualTo(0, $"no log line contains \"{phrase}\":\n{string.Join('\n', lines)}");
        return index;
    }
}
