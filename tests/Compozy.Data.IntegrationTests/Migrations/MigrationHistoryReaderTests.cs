using Compozy.Data.Migrations;
using Compozy.Data.Persistence;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary>
/// Each database's <see cref="IMigrationHistoryReader"/> (on SQLite one that reads the file without
/// a context) against what EF Core itself answers on the same database.
/// </summary>
public sealed class MigrationHistoryReaderTests
{
    [Theory, DatabaseData]
    public async Task The_migrations_it_knows_are_the_ones_EF_finds(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "history_known");
        await using var context = await db.Contexts.CreateDbContextAsync();
        var ef = context.GetService<IMigrationsAssembly>();

        ef.Migrations.ShouldNotBeEmpty();
        var reader = db.Services.GetRequiredService<IMigrationHistoryReader>();
        reader.KnownMigrations.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ShouldBe(ef.Migrations.OrderBy(pair => pair.Key, StringComparer.Ordinal));
        MigrationCatalog.Find(ef.Assembly, typeof(CompozyDbContext)).OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ShouldBe(ef.Migrations.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    [Theory, DatabaseData]
    public async Task The_rows_it_reads_are_the_ones_EFs_history_repository_reads(DatabaseKind database)
    {
        await using var db = await TestDatabase.CreateAsync(database, "history_rows");
        var reader = db.Services.GetRequiredService<IMigrationHistoryReader>();
        (await reader.ReadAppliedAsync()).ShouldBeEmpty("nothing is applied to a new database");

        await db.Migrations.UpAsync("AuditEvents");
        var applied = await reader.ReadAppliedAsync();

        await using var context = await db.Contexts.CreateDbContextAsync();
        var ef = await context.GetService<IHistoryRepository>().GetAppliedMigrationsAsync();
        applied.Keys.Order(StringComparer.Ordinal).ShouldBe(ef.Select(row => row.MigrationId).Order(StringComparer.Ordinal));
        applied.Count.ShouldBe(2);
        applied.Values.ShouldAllBe(appliedAt => appliedAt != null && appliedAt.Value.Kind == DateTimeKind.Utc);
    }

    [Fact]
    public async Task Reading_a_SQLite_file_that_does_not_exist_creates_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "history_missing");
        var reader = db.Services.GetRequiredService<IMigrationHistoryReader>();

        (await reader.ReadAppliedAsync()).ShouldBeEmpty();

        foreach (var path in new[] { db.Location, db.Location + "-wal", db.Location + "-shm", db.Location + ".migrate-lock" })
        {
            File.Exists(path).ShouldBeFalse($"{path} must not be created by a read");
        }
    }

    [Fact]
    public async Task A_SQLite_database_without_a_history_table_has_nothing_applied()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "history_no_table");
        await db.ExecuteRawAsync("CREATE TABLE unrelated (id INTEGER PRIMARY KEY);");

        (await db.Services.GetRequiredService<IMigrationHistoryReader>().ReadAppliedAsync()).ShouldBeEmpty();
    }
}
