using System.Data;
using System.Data.Common;
using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The hand-written baseline of the <c>reads</c> group of <c>stores</c>: the statements the stores
/// run for the three reads (<see cref="RawStoreSql"/>), materialized by hand into the same
/// entities (<see cref="TaskState"/>, <see cref="WorkflowState"/>, JSON columns parsed into
/// <see cref="JsonElement"/>s, statuses and types mapped from their stored names, times as UTC).
/// On SQLite it keeps one connection and one prepared command per statement; on PostgreSQL each
/// read opens a pooled connection of an <see cref="NpgsqlDataSource"/> and prepares its commands
/// (kept prepared on the physical connection), as <see cref="RawPostgresStore"/> does. A workflow
/// read takes its two statements in one transaction, as the store does (REPEATABLE READ on
/// PostgreSQL, a deferred transaction on SQLite). Callers must not overlap.
/// </summary>
internal sealed class RawReads : IAsyncDisposable
{
    private static readonly Dictionary<string, ExecutionStatus> Statuses =
        Enum.GetValues<ExecutionStatus>().ToDictionary(StoredNames.Of, status => status, StringComparer.Ordinal);

    private static readonly Dictionary<string, ExecutionType> Types =
        Enum.GetValues<ExecutionType>().ToDictionary(StoredNames.Of, type => type, StringComparer.Ordinal);

    private readonly SqliteConnection? _sqlite;
    private readonly NpgsqlDataSource? _postgres;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    private RawReads(SqliteConnection? sqlite, NpgsqlDataSource? postgres)
    {
        _sqlite = sqlite;
        _postgres = postgres;
    }

    /// <summary>Over a SQLite file the layer migrated and seeded (WAL already on).</summary>
    public static RawReads Sqlite(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return new RawReads(connection, null);
    }

    /// <summary>Over the PostgreSQL database the layer migrated and seeded, with the layer's default pool size.</summary>
    public static RawReads Postgres(string connectionString) =>
        new(null, NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = RawPostgresStore.PoolSize }.ConnectionString));

    public Func<ValueTask> TaskTree(string rootId, int maxDepth) => async () =>
    {
        var connection = await OpenAsync().ConfigureAwait(false);
        try
        {
            var tasks = await QueryAsync(connection, null, RawStoreSql.TaskTree, [("@root", rootId), ("@depth", maxDepth)], ReadTask).ConfigureAwait(false);
            ReadRows.Expect(tasks.Count, ReadRows.TreeDescendants + 1, "raw task tree");
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }
    };

    public Func<ValueTask> Workflow(string workflowExecId) => async () =>
    {
        var connection = await OpenAsync().ConfigureAwait(false);
        try
        {
            var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var workflow = (await QueryAsync(connection, transaction, RawStoreSql.GetWorkflow, [("@id", workflowExecId)], ReadWorkflow).ConfigureAwait(false)).Single();
                var tasks = await QueryAsync(connection, transaction, RawStoreSql.TasksInWorkflow, [("@id", workflowExecId)], ReadTask).ConfigureAwait(false);
                var byTaskId = tasks.ToDictionary(task => task.TaskId, StringComparer.Ordinal);
                await transaction.CommitAsync().ConfigureAwait(false);
                ReadRows.Expect(byTaskId.Count, ReadRows.WorkflowTasks, $"raw workflow {workflow.WorkflowExecId}");
            }
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }
    };

    public Func<ValueTask> Listing() => async () =>
    {
        var connection = await OpenAsync().ConfigureAwait(false);
        try
        {
            var rows = await QueryAsync(connection, null, RawStoreSql.ListTasksByStatus, [("@status", StoredNames.Of(ReadRows.ListedStatus)), ("@limit", ReadRows.PageSize + 1)], ReadTask).ConfigureAwait(false);

            // The extra row only says that another page follows, as in the store's page.
            var page = rows.Count > ReadRows.PageSize ? rows.GetRange(0, ReadRows.PageSize) : rows;
            ReadRows.Expect(page.Count, ReadRows.PageSize, "raw listing");
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync().ConfigureAwait(false);
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<DbConnection> OpenAsync() =>
        _sqlite ?? (DbConnection)await _postgres!.OpenConnectionAsync().ConfigureAwait(false);

    private async ValueTask CloseAsync(DbConnection connection)
    {
        if (connection != _sqlite)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<List<T>> QueryAsync<T>(
        DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters, Func<DbDataReader, T> read)
    {
        DbCommand command;
        if (connection is SqliteConnection sqlite)
        {
            if (!_prepared.TryGetValue(sql, out var prepared))
            {
                prepared = sqlite.CreateCommand();
                prepared.CommandText = sql;
                foreach (var (name, _) in parameters)
                {
                    prepared.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                _prepared[sql] = prepared;
            }

            command = prepared;
        }
        else
        {
            command = new NpgsqlCommand(sql, (NpgsqlConnection)connection);
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { ParameterName = name });
            }
        }

        try
        {
            command.Transaction = transaction;
            foreach (var (name, value) in parameters)
            {
                command.Parameters[name].Value = value;
            }

            if (command is NpgsqlCommand)
            {
                await command.PrepareAsync().ConfigureAwait(false);
            }

            var rows = new List<T>();
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }
            }

            return rows;
        }
        finally
        {
            if (command is NpgsqlCommand)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One row of <see cref="RawStoreSql.TaskColumns"/>, in that order.</summary>
    private static TaskState ReadTask(DbDataReader reader) => new()
    {
        TaskExecId = reader.GetString(0),
        TaskId = reader.GetString(1),
        Component = reader.GetString(2),
        Status = Statuses[reader.GetString(3)],
        WorkflowExecId = reader.GetString(4),
        WorkflowId = reader.GetString(5),
        ExecutionType = Types[reader.GetString(6)],
        Usage = Json(reader, 7),
        AgentId = Text(reader, 8),
        ToolId = Text(reader, 9),
        ActionId = Text(reader, 10),
        ParentStateId = Text(reader, 11),
        Input = Json(reader, 12),
        Output = Json(reader, 13),
        Error = Json(reader, 14),
        CreatedAt = Utc(reader, 15),
        UpdatedAt = Utc(reader, 16),
    };

    /// <summary>One row of <see cref="RawStoreSql.GetWorkflow"/>.</summary>
    private static WorkflowState ReadWorkflow(DbDataReader reader) => new()
    {
        WorkflowExecId = reader.GetString(0),
        WorkflowId = reader.GetString(1),
        Status = Statuses[reader.GetString(2)],
        Usage = Json(reader, 3),
        Input = Json(reader, 4),
        Output = Json(reader, 5),
        Error = Json(reader, 6),
        CreatedAt = Utc(reader, 7),
        UpdatedAt = Utc(reader, 8),
    };

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTime Utc(DbDataReader reader, int ordinal) => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    private static JsonElement? Json(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        using var document = JsonDocument.Parse(reader.GetString(ordinal));
        return document.RootElement.Clone();
    }
}
