using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Builds (once, then reuses from <c>bench/.cache/</c>) a database of the layer's schema filled
/// with workflow executions of about 1.5 KB of JSON input each and four tasks apiece, until the
/// file reaches the requested size. Every table and index the checks walk has real content.
/// </summary>
/// <remarks>
/// Built fast rather than carefully: the schema comes from the layer's migrations, then rows go in
/// through raw Microsoft.Data.Sqlite with journal_mode OFF and synchronous OFF, in transactions of
/// a few thousand rows, into a <c>.building</c> file that is renamed only when complete, so a
/// build that dies is never reused. The file is switched back to WAL (what the layer runs) at the end.
/// </remarks>
internal static class LargeDatabaseBuilder
{
    private const int WorkflowsPerTransaction = 500;
    private const int TasksPerWorkflow = 4;

    private static readonly string[] TaskIds = ["fetch-documents", "summarise", "classify", "route"];

    // About 4 KB of JSON-safe prose (no quotes, no backslashes) that payloads are cut from.
    private static readonly string Corpus = string.Concat(Enumerable.Repeat(
        "the quarterly report covers revenue growth in three regions with notes on supply chain delays and hiring plans " +
        "for the next two quarters while the appendix lists every vendor contract renewed since january along with its terms ",
        20));

    public static async Task<LargeDatabase> EnsureAsync(string cacheDirectory, long targetBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.Combine(cacheDirectory, $"startup-checks-{ByteSize.Format(targetBytes)}.db");
        var wal = new FileInfo(path + "-wal");
        if (File.Exists(path) && IsRightSize(new FileInfo(path).Length, targetBytes) && (!wal.Exists || wal.Length == 0))
        {
            await Console.Error.WriteLineAsync($"startup-checks: reusing {path}").ConfigureAwait(false);
            return Describe(path, buildSeconds: null);
        }

        var building = path + ".building";
        DeleteWithSidecars(building);
        DeleteWithSidecars(path);
        await Console.Error.WriteLineAsync($"startup-checks: building {ByteSize.Format(targetBytes)} database at {path}").ConfigureAwait(false);
        var elapsed = Stopwatch.StartNew();

        var services = LayerServices.Build(building);
        await using (services.ConfigureAwait(false))
        {
            await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        Fill(building, targetBytes, cancellationToken);
        PageCache.Evict(building);
        File.Move(building, path);
        DeleteWithSidecars(building);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"startup-checks: built in {elapsed.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
        return Describe(path, elapsed.Elapsed.TotalSeconds);
    }

    // The last transaction overshoots the target by a few MB; a file much smaller or larger was
    // built for another size (or by another version of this builder) and is rebuilt.
    private static bool IsRightSize(long bytes, long target) => bytes >= target * 0.98 && bytes <= target * 1.10;

    private static void Fill(string path, long targetBytes, CancellationToken cancellationToken)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var journal = Scalar(connection, "PRAGMA journal_mode = OFF;");
        if (!string.Equals(journal, "off", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"could not turn the journal off while building {path} (journal_mode={journal})");
        }

        Scalar(connection, "PRAGMA synchronous = OFF;");
        Scalar(connection, "PRAGMA cache_size = -262144;");

        using var workflow = connection.CreateCommand();
        workflow.CommandText =
            "INSERT INTO workflow_states (workflow_exec_id, workflow_id, status, usage, input, output, error, created_at, updated_at) " +
            "VALUES ($id, $workflow, $status, $usage, $input, $output, $error, $created, $updated);";
        var wf = Parameters(workflow, "$id", "$workflow", "$status", "$usage", "$input", "$output", "$error", "$created", "$updated");

        using var task = connection.CreateCommand();
        task.CommandText =
            "INSERT INTO task_states (task_exec_id, task_id, component, status, workflow_exec_id, workflow_id, execution_type, usage, " +
            "agent_id, tool_id, action_id, parent_state_id, input, output, error, created_at, updated_at) " +
            "VALUES ($id, $task, $component, $status, $workflow_exec, $workflow, $type, $usage, $agent, $tool, $action, $parent, $input, $output, $error, $created, $updated);";
        var ts = Parameters(task, "$id", "$task", "$component", "$status", "$workflow_exec", "$workflow", "$type", "$usage",
            "$agent", "$tool", "$action", "$parent", "$input", "$output", "$error", "$created", "$updated");

        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        long n = 0;
        while (PageCount(connection) * PageSize(connection) < targetBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction();
            workflow.Transaction = transaction;
            task.Transaction = transaction;
            for (var i = 0; i < WorkflowsPerTransaction; i++, n++)
            {
                var created = start.AddMilliseconds(n * 10);
                var execId = Guid.CreateVersion7(created).ToString();
                var failed = n % 17 == 0;
                var running = !failed && n % 11 == 0;
                Set(wf, execId, $"workflow-{n % 20}", failed ? "FAILED" : running ? "RUNNING" : "SUCCESS",
                    running ? null : Usage(n), WorkflowInput(n), running || failed ? null : Text(n, "summary", 350),
                    failed ? """{"code":"PROVIDER_TIMEOUT","message":"the model provider did not answer within 60 s"}""" : null,
                    created, created.AddSeconds(30));
                workflow.ExecuteNonQuery();

                string? parent = null;
                for (var t = 0; t < TasksPerWorkflow; t++)
                {
                    var taskCreated = created.AddSeconds(t + 1);
                    var taskExecId = Guid.CreateVersion7(taskCreated).ToString();

                    // Each kind the CHECKs allow: agent + action, tool, neither, and a router.
                    (string Type, string? Agent, string? Action, string? Tool) kind = t switch
                    {
                        0 => ("basic", null, null, "http-fetch"),
                        1 => ("basic", "writer", "summarise", null),
                        2 => ("basic", "classifier", "label", null),
                        _ => ("router", null, null, null),
                    };
                    var (type, agent, action, tool) = kind;
                    Set(ts, taskExecId, TaskIds[t], agent is null ? (tool is null ? "task" : "tool") : "agent",
                        running && t == TasksPerWorkflow - 1 ? "RUNNING" : "SUCCESS", execId, $"workflow-{n % 20}", type,
                        agent is null ? null : Usage(n + t), agent, tool, action, parent, Text(n + t, "input", 1000),
                        running && t == TasksPerWorkflow - 1 ? null : Text(n + t, "output", 500), null,
                        taskCreated, taskCreated.AddMilliseconds(800));
                    task.ExecuteNonQuery();
                    parent ??= taskExecId;
                }
            }

            transaction.Commit();
        }

        // Back to what the layer runs; the header then says WAL, as on a production file.
        Scalar(connection, "PRAGMA journal_mode = WAL;");
    }

    private static string WorkflowInput(long n) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"request_id":"req-{{n}}","customer":{"id":{{n % 5000}},"email":"user-{{n % 5000}}@example.com","tier":"gold"},"documents":[{"id":"doc-{{n}}-1","pages":{{n % 40 + 1}}},{"id":"doc-{{n}}-2","pages":{{n % 13 + 1}}}],"prompt":"{{Slice(n, 1300)}}"}""");

    private static string Text(long n, string key, int length) => $$"""{"{{key}}":"{{Slice(n, length)}}"}""";

    private static string Usage(long n) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""[{"provider":"openai","model":"gpt-4o","prompt_tokens":{{800 + n % 400}},"completion_tokens":{{120 + n % 90}}}]""");

    private static string Slice(long n, int length) => Corpus.Substring((int)(n * 37 % (Corpus.Length - length)), length);

    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names) =>
        names.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();

    private static void Set(SqliteParameter[] parameters, params object?[] values)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static LargeDatabase Describe(string path, double? buildSeconds)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        return new LargeDatabase(
            path,
            new FileInfo(path).Length,
            PageSize(connection),
            PageCount(connection),
            long.Parse(Scalar(connection, "SELECT count(*) FROM workflow_states;"), CultureInfo.InvariantCulture),
            long.Parse(Scalar(connection, "SELECT count(*) FROM task_states;"), CultureInfo.InvariantCulture),
            long.Parse(Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'index';"), CultureInfo.InvariantCulture),
            buildSeconds);
    }

    private static long PageCount(SqliteConnection connection) => long.Parse(Scalar(connection, "PRAGMA page_count;"), CultureInfo.InvariantCulture);

    private static long PageSize(SqliteConnection connection) => long.Parse(Scalar(connection, "PRAGMA page_size;"), CultureInfo.InvariantCulture);

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private static void DeleteWithSidecars(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal", ".writer-lock", ".migrate-lock" })
        {
            File.Delete(path + suffix);
        }
    }
}
