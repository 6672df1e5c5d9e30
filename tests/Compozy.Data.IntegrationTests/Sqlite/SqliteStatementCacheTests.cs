using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Sqlite.Writes;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Sqlite;

public sealed class SqliteStatementCacheTests
{
    private const string BatchSize = "compozy.data.sqlite.writer.batch_size";
    private const string WorkflowUpsert = "INSERT INTO \"workflow_states\"";

    [Fact]
    public async Task A_repeated_upsert_through_the_store_runs_on_one_statement_prepared_once()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stmt_reuse");
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();

        // SQLitePCLRaw lists a connection's statements only when asked to before any is prepared.
        await writer.RunOnConnectionAsync((connection, _) =>
        {
            connection.Handle!.enable_sqlite3_next_stmt(true);
            return Task.FromResult(true);
        });
        await db.MigrateAsync();
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();
        var first = await workflows.UpsertStateAsync(Workflow());

        var prepared = await StatementsAsync(writer, WorkflowUpsert);
        prepared.Count.ShouldBe(1, "the upsert stays prepared on the writer connection after its command was disposed");
        var hits = writer.Statements!.Hits;

        for (var index = 0; index < 5; index++)
        {
            await workflows.UpsertStateAsync(index % 2 == 0 ? Workflow() : Workflow(first.WorkflowExecId));
        }

        var after = await StatementsAsync(writer, WorkflowUpsert);
        after.Count.ShouldBe(1);
        after[0].ShouldBeSameAs(prepared[0], "the same SQLite statement ran again instead of a new one");
        (writer.Statements.Hits - hits).ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task Different_upserts_in_one_group_commit_batch_store_and_return_their_own_values()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stmt_batch")).MigrateAsync();
        using var meters = new MeterRecorder(db.Services);
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();
        var tasks = db.Services.GetRequiredService<ITaskStore>();
        var parent = await workflows.UpsertStateAsync(Workflow());

        var gate = new TaskCompletionSource();
        var holding = await HeldWriter.HoldAsync(writer, gate);
        var states = Enumerable.Range(0, 12).Select(index =>
        {
            var state = Workflow();
            state.Status = index % 2 == 0 ? ExecutionStatus.Running : ExecutionStatus.Paused;
            state.Input = Json($$"""{"order":{{index}}}""");
            return state;
        }).ToList();
        var taskStates = Enumerable.Range(0, 12).Select(index =>
        {
            var task = TaskOf(parent);
            task.TaskId = $"step-{index}";
            task.Input = Json($$"""{"step":{{index}}}""");
            return task;
        }).ToList();
        var upserts = states.Select(state => workflows.UpsertStateAsync(state)).ToList();
        var taskUpserts = taskStates.Select(task => tasks.UpsertStateAsync(task)).ToList();
        await HeldWriter.QueueLengthReachesAsync(meters, 24);
        gate.SetResult();
        await holding;

        var stored = await Task.WhenAll(upserts);
        var storedTasks = await Task.WhenAll(taskUpserts);
        meters.Values(BatchSize).ShouldContain(size => size >= 2, $"batch sizes: {string.Join(",", meters.Values(BatchSize))}");
        for (var index = 0; index < states.Count; index++)
        {
            stored[index].WorkflowExecId.ShouldBe(states[index].WorkflowExecId);
            stored[index].Status.ShouldBe(states[index].Status);
            stored[index].Input!.Value.GetProperty("order").GetInt32().ShouldBe(index);
            var read = (await workflows.GetStateAsync(states[index].WorkflowExecId)).State;
            read.Status.ShouldBe(states[index].Status);
            read.Input!.Value.GetProperty("order").GetInt32().ShouldBe(index);
        }

        for (var index = 0; index < taskStates.Count; index++)
        {
            storedTasks[index].TaskExecId.ShouldBe(taskStates[index].TaskExecId);
            storedTasks[index].TaskId.ShouldBe($"step-{index}");
            var read = await tasks.GetStateAsync(taskStates[index].TaskExecId);
            read.TaskId.ShouldBe($"step-{index}");
            read.Input!.Value.GetProperty("step").GetInt32().ShouldBe(index);
        }

        writer.Statements!.Hits.ShouldBeGreaterThanOrEqualTo(states.Count + taskStates.Count - 2);
    }

    [Fact]
    public async Task A_constraint_violation_in_a_cached_statement_is_the_same_typed_error_and_the_statement_runs_again()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stmt_errors")).MigrateAsync();
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();
        var tasks = db.Services.GetRequiredService<ITaskStore>();
        var workflow = await workflows.UpsertStateAsync(Workflow());
        await tasks.UpsertStateAsync(TaskOf(workflow));
        var hits = writer.Statements!.Hits;

        var refused = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(TaskOf(Workflow())));
        refused.Kind.ShouldBe(DbErrorKind.ForeignKey);
        refused.Reference.ShouldBe("workflow_exec_id");
        var both = TaskOf(workflow);
        both.AgentId = "writer";
        both.ActionId = "draft";
        both.ToolId = "search";
        var check = await Should.ThrowAsync<CompozyDataException>(() => tasks.UpsertStateAsync(both));
        check.Kind.ShouldBe(DbErrorKind.Check);
        check.Message.ShouldContain("ck_task_states_execution_type_components");
        writer.Statements.Hits.ShouldBeGreaterThan(hits, "the refused upserts ran on the cached statement");

        var fine = await tasks.UpsertStateAsync(TaskOf(workflow));
        (await tasks.GetStateAsync(fine.TaskExecId)).WorkflowExecId.ShouldBe(workflow.WorkflowExecId);
    }

    [Fact]
    public async Task Closing_the_writer_disposes_every_cached_statement_without_an_error()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stmt_close")).MigrateAsync();
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var workflows = db.Services.GetRequiredService<IWorkflowStore>();
        var stored = await workflows.UpsertStateAsync(Workflow());
        await workflows.UpsertStateAsync(Workflow());
        var cache = writer.Statements!;
        cache.Count.ShouldBeGreaterThan(0);

        await writer.DisposeAsync();

        cache.Count.ShouldBe(0);
        SqliteTestFiles.Count(db.Location, $"SELECT count(*) FROM workflow_states WHERE workflow_exec_id = '{stored.WorkflowExecId}'").ShouldBe(1);
    }

    [Fact]
    public void A_closing_connection_empties_the_cache_and_a_command_of_another_connection_is_not_served()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var cache = new SqliteStatementCache(connection, capacity: 2);
        Run(connection, cache, "CREATE TABLE t (v INTEGER NOT NULL)").ShouldBeFalse("DDL is not cached");
        Run(connection, cache, "INSERT INTO t (v) VALUES ($v)", 1).ShouldBeTrue();
        Run(connection, cache, "INSERT INTO t (v) VALUES ($v)", 2).ShouldBeTrue();
        Run(connection, cache, "PRAGMA user_version").ShouldBeFalse("a pragma is not cached");
        (cache.Hits, cache.Misses, cache.Count).ShouldBe((1, 1, 1));

        using (var other = new SqliteConnection("Data Source=:memory:"))
        {
            other.Open();
            Run(other, cache, "SELECT 1").ShouldBeFalse("a command of another connection runs on its own");
        }

        Run(connection, cache, "UPDATE t SET v = v + 1").ShouldBeTrue();
        Run(connection, cache, "DELETE FROM t WHERE v = $v", 3).ShouldBeTrue();
        cache.Count.ShouldBe(2, "bounded: the least recently used text was disposed");

        connection.Close();
        cache.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_cancelled_statement_on_the_writer_is_cancelled_and_its_cached_statement_runs_again()
    {
        await using var db = await (await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "stmt_cancel")).MigrateAsync();
        var writer = db.Services.GetRequiredService<SqliteDatabaseWriter>();
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var counts = await writer.WriteAsync(async (context, token) =>
        {
            var id = workflow.WorkflowExecId;
            Task<int> Update(CancellationToken cancellation) =>
                context.Database.ExecuteSqlAsync($"UPDATE workflow_states SET status = status WHERE workflow_exec_id = {id}", cancellation);
            Task<List<WorkflowState>> Query(CancellationToken cancellation) =>
                context.WorkflowStates.FromSql($"SELECT * FROM workflow_states WHERE workflow_exec_id = {id}").AsNoTracking().ToListAsync(cancellation);

            var first = await Update(token);
            (await Query(token)).Count.ShouldBe(1);
            await Should.ThrowAsync<OperationCanceledException>(() => Update(cancelled.Token));
            await Should.ThrowAsync<OperationCanceledException>(() => Query(cancelled.Token));
            return (first, await Update(token), (await Query(token)).Count);
        });

        counts.ShouldBe((1, 1, 1));
        writer.Statements!.Hits.ShouldBeGreaterThanOrEqualTo(2);
    }

    /// <summary>Runs <paramref name="text"/> through the cache's interceptor as EF would; whether the cache served it.</summary>
    private static bool Run(SqliteConnection connection, SqliteStatementCache cache, string text, int? value = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        if (value is { } bound)
        {
            command.Parameters.AddWithValue("$v", bound);
        }

        var result = cache.NonQueryExecuting(command, null!, default);
        if (!result.HasResult)
        {
            command.ExecuteNonQuery();
        }

        return result.HasResult;
    }

    /// <summary>The statements prepared on the writer connection whose SQL starts with <paramref name="prefix"/>.</summary>
    private static Task<List<SQLitePCL.sqlite3_stmt>> StatementsAsync(SqliteDatabaseWriter writer, string prefix) =>
        writer.RunOnConnectionAsync((connection, _) =>
        {
            var found = new List<SQLitePCL.sqlite3_stmt>();
            for (var statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, null); statement is not null; statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, statement))
            {
                if (SQLitePCL.raw.sqlite3_sql(statement).utf8_to_string().StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.Add(statement);
                }
            }

            return Task.FromResult(found);
        });
}
