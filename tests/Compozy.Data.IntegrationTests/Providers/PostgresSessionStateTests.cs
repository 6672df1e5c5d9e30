using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Providers;

/// <summary>
/// The pool does not reset a returned connection (<c>No Reset On Close</c>), so session state
/// made on a pooled connection stays with it. The layer's only session state is the advisory locks
/// of its exclusive work (the migration lock, pgvector's index lock), which runs on connections of
/// its own whose close ends the session.
/// </summary>
public sealed class PostgresSessionStateTests
{
    [Fact]
    public async Task A_session_lock_left_by_exclusive_work_ends_with_the_work()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "session_exclusive")).MigrateAsync();
        var key = Random.Shared.NextInt64();

        await db.Services.GetRequiredService<IDatabaseWriter>().RunExclusiveAsync(async (context, token) =>
        {
            // Taken and never released, as a migration that fails between its lock and its unlock would leave it.
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", token);
            return 0;
        });

        (await TryLockFromAnotherSessionAsync(db.Location, key)).ShouldBeTrue("the exclusive work's session ended with it, and its lock with the session");
    }

    [Fact]
    public async Task A_session_lock_on_a_pooled_connection_outlives_its_close()
    {
        // The control for the test above: the same lock on a connection of the pool is still held
        // after the close, since the connection goes back to the pool with its session.
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Postgres, "session_pooled")).MigrateAsync();
        var key = Random.Shared.NextInt64();
        var pool = db.Services.GetRequiredService<NpgsqlDataSource>();

        await using (var connection = await pool.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            await command.ExecuteNonQueryAsync();
        }

        (await TryLockFromAnotherSessionAsync(db.Location, key)).ShouldBeFalse("the pooled session still holds the lock");
        pool.Clear();
    }

    private static async Task<bool> TryLockFromAnotherSessionAsync(string connectionString, long key)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
