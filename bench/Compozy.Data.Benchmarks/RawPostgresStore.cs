using Npgsql;
using NpgsqlTypes;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The PostgreSQL baseline of <c>stores</c>: plain Npgsql on the database the layer migrated and
/// uses, through an <see cref="NpgsqlDataSource"/> with the layer's default pool size (25). Each
/// operation opens a pooled connection, prepares its statement (Npgsql keeps it prepared on the
/// physical connection, so after the first use this costs no round trip) and runs it. The upsert
/// is one statement in autocommit, as a hand-written data layer would send it; every column of
/// the returned row is read. <see cref="UpsertInTransactionAsync"/> is the same write in the shape
/// the layer's commit check needs. Safe for concurrent callers.
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
            AddUpsertParameters(command);
            await command.PrepareAsync().ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                RawSqliteStore.ReadAll(reader);
            }
        }
    }

    /// <summary>
    /// The upsert as the layer's writer sends it, written by hand: in a transaction, its row
    /// returned with the transaction's id (what a lost COMMIT reply is checked with), then
    /// <c>COMMIT</c>. Two round trips (<c>BEGIN</c> travels with the statement), against the
    /// autocommit upsert's one; the layer cannot do with fewer and keep the check.
    /// </summary>
    public async ValueTask UpsertInTransactionAsync()
    {
        var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(RawStoreSql.UpsertWorkflowReturningTransactionId, connection, transaction);
                AddUpsertParameters(command);
                await command.PrepareAsync().ConfigureAwait(false);
                var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    RawSqliteStore.ReadAll(reader);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
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

    private static void AddUpsertParameters(NpgsqlCommand command)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = SampleWorkflow.NewExecId() });
        command.Parameters.Add(new NpgsqlParameter<string>("workflow", NpgsqlDbType.Text) { TypedValue = SampleWorkflow.WorkflowId });
        command.Parameters.Add(new NpgsqlParameter<string>("input", NpgsqlDbType.Jsonb) { TypedValue = SampleWorkflow.InputJson });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.TimestampTz) { TypedValue = DateTime.UtcNow });
    }
}
