namespace Compozy.Data.Benchmarks;

/// <summary>
/// The statements the raw ADO.NET baselines run: what the stores run for the same calls, written
/// by hand. Both SQLite and PostgreSQL accept them as written (named <c>@</c> parameters).
/// </summary>
internal static class RawStoreSql
{
    /// <summary>Insert a workflow execution or replace every field but its creation time, returning the stored row (as the store does).</summary>
    public const string UpsertWorkflow =
        "INSERT INTO \"workflow_states\" (\"workflow_exec_id\", \"workflow_id\", \"status\", \"usage\", \"input\", \"output\", \"error\", \"created_at\", \"updated_at\") " +
        "VALUES (@id, @workflow, 'RUNNING', NULL, @input, NULL, NULL, @now, @now) " +
        "ON CONFLICT (\"workflow_exec_id\") DO UPDATE SET \"workflow_id\" = excluded.\"workflow_id\", \"status\" = excluded.\"status\", " +
        "\"usage\" = excluded.\"usage\", \"input\" = excluded.\"input\", \"output\" = excluded.\"output\", \"error\" = excluded.\"error\", " +
        "\"updated_at\" = excluded.\"updated_at\" RETURNING *";

    /// <summary>One task state by primary key, every column.</summary>
    public const string GetTask = "SELECT * FROM \"task_states\" WHERE \"task_exec_id\" = @id";
}
