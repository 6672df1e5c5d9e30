using Npgsql;
using NpgsqlTypes;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The PostgreSQL baseline of <c>stores</c>: plain Npgsql on the database the layer migrated and
/// uses, through an <see cref="NpgsqlDataSource"/> with the layer's default pool size (25). Each
/// operation opens a pooled connection, prepares its statement (Npgsql keeps it prepared on the
/// physical connection, so after the first use this costs no round trip) and runs it. The upsert
/// is one statement in autocommit, as a hand-written data layer would send it; every column of
/// the returned row is read. Safe for concurrent callers.
/// </summary>
internal sealed class RawPostgresStore(string connectionString) : IAsyncDisposable
{
    /// <summary>The layer's default <c>database.max_open_conns</c>, so both sides queue alike past it.</summary>
    public const int PoolSize = 25;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PoolSize }.ConnectionString);

    public async ValueTask UpsertAsync()
    {
        var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = new NpgsqlCommand(RawStoreSql.UpsertWorkflow, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = SampleWorkflow.NewExecId() });
            command.Parameters.Add(new NpgsqlParameter<string>("workflow", NpgsqlDbType.Text) { TypedValue = SampleWorkflow.WorkflowId });
            command.Parameters.Add(new NpgsqlParameter<string>("input", NpgsqlDbType.Jsonb) { TypedValue = SampleWorkflow.InputJson });
            command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.TimestampTz) { TypedValue = DateTime.UtcNow });
            await command.PrepareAsync().ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                RawSqliteStore.ReadAll(reader);
            }
        }
    }

    public Func<ValueTask> Get(string[] taskIds)
    {
        var next = StoreRows.Cycle(taskIds);
        return async () =>
        {
            var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(RawStoreSql.GetTask, connection);
                command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = next() });
                await command.PrepareAsync().ConfigureAwait(false);
                var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    RawSqliteStore.ReadAll(reader);
                }
            }
        };
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
