using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.IntegrationTests.Providers;

/// <summary>
/// Exclusive work on PostgreSQL is followed by a reload of the pool's types (a migration may have
/// created some); what that reload runs into must not turn work that is done into a failure.
/// </summary>
public sealed class PostgresExclusiveWorkTests
{
    [Fact]
    public async Task Exclusive_work_that_is_done_is_reported_done_when_its_caller_cancels_as_it_ends()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "exclusive_done")).MigrateAsync();
        using var cancellation = new CancellationTokenSource();

        var result = await db.Writer.RunExclusiveAsync(
            async (context, token) =>
            {
                await context.Database.ExecuteSqlRawAsync("CREATE TABLE exclusive_done (id integer)", token);

                // The caller gives up just as the work ends: the table exists, and the type reload
                // after the work starts with a cancelled token.
                await cancellation.CancelAsync();
                return 42;
            },
            cancellation.Token);

        result.ShouldBe(42);
        await using var context = await db.Contexts.CreateDbContextAsync();
        (await context.Database.SqlQueryRaw<bool>("SELECT to_regclass('exclusive_done') IS NOT NULL AS \"Value\"").SingleAsync()).ShouldBeTrue();
    }
}
