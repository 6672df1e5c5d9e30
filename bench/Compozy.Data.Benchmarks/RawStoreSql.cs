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

    /// <summary>
    /// <see cref="UpsertWorkflow"/> with the transaction's id and the server's start time returned
    /// beside the row, as the layer's PostgreSQL upsert returns them (PostgreSQL only).
    /// </summary>
    public const string UpsertWorkflowReturningTransactionId =
        UpsertWorkflow + ", pg_current_xact_id_if_assigned()::text, pg_postmaster_start_time()";

    /// <summary>One task state by primary key, every column.</summary>
    public const string GetTask = "SELECT * FROM \"task_states\" WHERE \"task_exec_id\" = @id";

    /// <summary>Every column of a task state, in the order <c>RawReads</c> reads them.</summary>
    public const string TaskColumns =
        "\"task_exec_id\", \"task_id\", \"component\", \"status\", \"workflow_exec_id\", \"workflow_id\", \"execution_type\", \"usage\", " +
        "\"agent_id\", \"tool_id\", \"action_id\", \"parent_state_id\", \"input\", \"output\", \"error\", \"created_at\", \"updated_at\"";

    /// <summary>A task and its descendants, level by level, as <c>GetTaskTreeAsync</c> asks for them: one recursive CTE.</summary>
    public const string TaskTree =
        "WITH RECURSIVE \"task_tree\" AS (" +
        "SELECT \"task_states\".*, 0 AS \"tree_depth\" FROM \"task_states\" WHERE \"task_exec_id\" = @root " +
        "UNION ALL " +
        "SELECT \"child\".*, \"parent\".\"tree_depth\" + 1 FROM \"task_states\" AS \"child\" " +
        "JOIN \"task_tree\" AS \"parent\" ON \"child\".\"parent_state_id\" = \"parent\".\"task_exec_id\" " +
        "WHERE \"parent\".\"tree_depth\" < @depth AND \"child\".\"task_exec_id\" <> @root) " +
        "SELECT " + TaskColumns + " FROM \"task_tree\" ORDER BY \"tree_depth\", \"created_at\", \"task_exec_id\"";

    /// <summary>A workflow execution by id, every column (the first of the two statements of a workflow snapshot).</summary>
    public const string GetWorkflow =
        "SELECT \"workflow_exec_id\", \"workflow_id\", \"status\", \"usage\", \"input\", \"output\", \"error\", \"created_at\", \"updated_at\" " +
        "FROM \"workflow_states\" WHERE \"workflow_exec_id\" = @id ORDER BY \"created_at\" DESC, \"workflow_exec_id\" DESC LIMIT 1";

    /// <summary>The latest task state of each task id of a workflow execution (the second statement of a snapshot).</summary>
    public const string TasksInWorkflow =
        "SELECT " + TaskColumns + " FROM (" +
        "SELECT \"task_states\".*, ROW_NUMBER() OVER (PARTITION BY \"task_id\" ORDER BY \"created_at\" DESC, \"task_exec_id\" DESC) AS \"rank_in_task\" " +
        "FROM \"task_states\" WHERE \"workflow_exec_id\" = @id) AS \"ranked\" WHERE \"rank_in_task\" = 1";

    /// <summary>The first page of task states in a status, oldest first, one row past the page to tell whether another follows.</summary>
    public const string ListTasksByStatus =
        "SELECT " + TaskColumns + " FROM \"task_states\" WHERE \"status\" = @status " +
        "ORDER BY \"created_at\", \"task_exec_id\" LIMIT @limit";
}
