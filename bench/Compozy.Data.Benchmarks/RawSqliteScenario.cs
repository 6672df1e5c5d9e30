using Compozy.Data.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Plain Microsoft.Data.Sqlite, one row per transaction (<c>BEGIN IMMEDIATE</c>, <c>INSERT</c>,
/// <c>COMMIT</c>) with one reused command (its statement stays prepared), WAL mode, on a
/// connection of its own. Either into a one-column table (the baseline) or into the layer's own
/// <c>workflow_states</c> with its indexes and CHECKs (<c>layerSchema</c>), which separates the
/// schema's cost from the layer's own.
/// </summary>
internal static class RawSqliteScenario
{
    public static async Task<CommitScenario> OpenAsync(string path, string synchronous, bool layerSchema, CancellationToken cancellationToken)
    {
        if (layerSchema)
        {
            var services = LayerServices.Build(path, synchronous);
            await using (services.ConfigureAwait(false))
            {
                await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, synchronous switch
        {
            "FULL" => "PRAGMA synchronous = FULL;",
            "NORMAL" => "PRAGMA synchronous = NORMAL;",
            _ => "PRAGMA synchronous = OFF;",
        });

        var insert = connection.CreateCommand();
        if (layerSchema)
        {
            insert.CommandText =
                "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, input, created_at, updated_at) " +
                "VALUES ($id, $workflow, 'RUNNING', $input, $now, $now);";
        }
        else
        {
            Execute(connection, "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, exec_id TEXT NOT NULL, input TEXT NOT NULL);");
            insert.CommandText = "INSERT INTO bench_rows (exec_id, input) VALUES ($id, $input);";
        }

        var id = insert.Parameters.Add("$id", SqliteType.Text);
        insert.Parameters.AddWithValue("$input", SampleWorkflow.InputJson);
        var now = layerSchema ? insert.Parameters.Add("$now", SqliteType.Text) : null;
        if (layerSchema)
        {
            insert.Parameters.AddWithValue("$workflow", SampleWorkflow.WorkflowId);
        }

        var kind = layerSchema ? "raw-schema" : "raw";
        return new CommitScenario($"{kind} {synchronous}", kind, synchronous, () =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            insert.Transaction = transaction;
            id.Value = SampleWorkflow.NewExecId();
            if (now is not null)
            {
                now.Value = DateTime.UtcNow;
            }

            insert.ExecuteNonQuery();
            transaction.Commit();
            return ValueTask.CompletedTask;
        }, () =>
        {
            insert.Dispose();
            connection.Dispose();
            return ValueTask.CompletedTask;
        });
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
