using Microsoft.Data.Sqlite;

namespace Compozy.Data.CrashHarness;

/// <summary>
/// Checks a database left by a killed child, without changing it: the next child's startup must
/// still find the WAL the kill left, so the connection neither writes nor checkpoints on close.
/// </summary>
internal static class DurabilityVerifier
{
    // sqlite3_db_config: do not checkpoint and delete the WAL when this connection closes.
    private const int NoCheckpointOnClose = 1006;

    public static IReadOnlyList<string> Verify(string path, IReadOnlyDictionary<string, int> acknowledged)
    {
        var failures = new List<string>();
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False");
        connection.Open();
        SQLitePCL.raw.sqlite3_db_config(connection.Handle!, NoCheckpointOnClose, 1, out _);
        Execute(connection, "PRAGMA query_only = 1;");

        var integrity = Rows(connection, "PRAGMA integrity_check(10)").Select(row => row[0]).ToList();
        if (integrity is not ["ok"])
        {
            failures.Add($"integrity_check: {string.Join("; ", integrity)}");
        }

        var stored = Rows(connection,
                $"SELECT w.workflow_exec_id, json_extract(w.input, '$.k'), count(t.task_exec_id) FROM workflow_states w " +
                $"LEFT JOIN task_states t ON t.workflow_exec_id = w.workflow_exec_id WHERE w.workflow_id = '{ChildWriter.WorkflowId}' " +
                "GROUP BY w.workflow_exec_id")
            .ToDictionary(row => row[0], row => (Expected: int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), Actual: int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture)), StringComparer.Ordinal);

        foreach (var (id, expected) in stored.Where(pair => pair.Value.Expected != pair.Value.Actual))
        {
            failures.Add($"partial transaction visible: {id} has {expected.Actual} of its {expected.Expected} tasks");
        }

        foreach (var (id, tasks) in acknowledged)
        {
            if (!stored.TryGetValue(id, out var found))
            {
                failures.Add($"acknowledged transaction lost: {id}");
            }
            else if (found.Actual != tasks)
            {
                failures.Add($"acknowledged transaction damaged: {id} has {found.Actual} of {tasks} tasks");
            }
        }

        var orphans = Rows(connection, "SELECT count(*) FROM task_states t WHERE NOT EXISTS (SELECT 1 FROM workflow_states w WHERE w.workflow_exec_id = t.workflow_exec_id)");
        if (orphans[0][0] != "0")
        {
            failures.Add($"{orphans[0][0]} tasks without their workflow");
        }

        return failures;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string[]> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[reader.FieldCount];
            for (var index = 0; index < row.Length; index++)
            {
                row[index] = Convert.ToString(reader.GetValue(index), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }
}
