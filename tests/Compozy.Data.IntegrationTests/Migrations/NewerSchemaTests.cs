using Compozy.Data.Migrations;
using Compozy.Data.Startup;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.IntegrationTests.Migrations;

/// <summary>
/// A database a newer build migrated (its history holds a migration this build does not know) is
/// refused by <c>migrate up</c> and by the host's start, naming the migration, with nothing changed.
/// </summary>
public sealed class NewerSchemaTests
{
    private const string FromTheFuture = "29991231000000_AddSomethingNewer";

    [Theory, DatabaseData]
    public async Task Migrating_or_starting_on_a_schema_from_a_newer_build_is_refused_naming_the_migration(DatabaseKind database)
    {
        await using var db = await (await TestDatabase.CreateAsync(database, "newer_schema")).MigrateAsync();
        await db.Writer.RunExclusiveAsync((context, token) => context.Database.ExecuteSqlRawAsync(
            $"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('{FromTheFuture}', '10.0.15')", token));
        var before = await HistoryAsync(db);
        var lastKnown = (await db.Migrations.GetStatusAsync()).Applied.Last(migration => migration.IsKnown).Id;

        var refused = await Should.ThrowAsync<NewerSchemaException>(() => db.Migrations.UpAsync());
        refused.Unknown.Select(migration => migration.Id).ShouldBe([FromTheFuture]);
        refused.Message.ShouldContain(FromTheFuture);
        refused.Message.ShouldContain($"compozy migrate down --target {lastKnown}");
        refused.Message.ShouldContain("Nothing was changed.");

        var initializer = db.Services.GetRequiredService<DatabaseInitializer>();
        (await Should.ThrowAsync<NewerSchemaException>(() => initializer.StartAsync(CancellationToken.None))).Message.ShouldContain(FromTheFuture);
        initializer.IsInitialized.ShouldBeFalse("readiness must not report a host that refused its schema as ready");

        (await HistoryAsync(db)).ShouldBe(before);
    }

    private static Task<List<string>> HistoryAsync(TestDatabase db) =>
        db.Writer.RunExclusiveAsync((context, token) => context.Database
            .SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"")
            .ToListAsync(token));
}
