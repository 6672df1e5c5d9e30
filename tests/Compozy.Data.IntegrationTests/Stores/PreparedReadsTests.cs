using System.Data.Common;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores;
using Compozy.Data.Stores.Sql;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Usage;
using Compozy.Data.Stores.Workflows;
using Compozy.Data.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Stores;

/// <summary>
/// The single-row reads that skip EF Core's query pipeline (<see cref="IPreparedReads"/> with
/// <see cref="RowByKeyQuery{TEntity}"/>): they must return what a read context returns, and fail
/// as a store read fails.
/// </summary>
public sealed class PreparedReadsTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    [Theory, DatabaseData]
    public async Task Every_property_of_a_task_state_reads_back_as_a_read_context_reads_it(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var tasks = db.Services.GetRequiredService<ITaskStore>();
        var parent = await tasks.UpsertStateAsync(TaskOf(workflow));
        var full = TaskOf(workflow, parent.TaskExecId);
        full.Status = ExecutionStatus.Failed;
        full.ExecutionType = ExecutionType.Parallel;
        full.AgentId = "writer";
        full.ActionId = "draft";
        full.Usage = Json("""[{"provider":"openai","model":"gpt-4o","total_tokens":7}]""");
        full.Input = Json("""{"topic":"tides","depth":[1,2.5,{"nested":null}],"text":"é ✓"}""");
        full.Output = Json("\"just a string\"");
        full.Error = Json("""{"message":"boom","code":"E42"}""");
        await tasks.UpsertStateAsync(full);
        var sparse = TaskOf(workflow);
        sparse.ToolId = "search";
        await tasks.UpsertStateAsync(sparse);

        foreach (var id in new[] { parent.TaskExecId, full.TaskExecId, sparse.TaskExecId })
        {
            await ShouldReadAsAReadContextAsync<TaskState>(db, id, context => context.TaskStates.AsNoTracking().SingleAsync(task => task.TaskExecId == id));
            var fromStore = await tasks.GetStateAsync(id);
            fromStore.TaskExecId.ShouldBe(id);
        }

        var read = await tasks.GetStateAsync(full.TaskExecId);
        read.Input!.Value.GetProperty("text").GetString().ShouldBe("é ✓");
        read.Output!.Value.GetString().ShouldBe("just a string");
        read.Status.ShouldBe(ExecutionStatus.Failed);
        read.ExecutionType.ShouldBe(ExecutionType.Parallel);
        read.ParentStateId.ShouldBe(parent.TaskExecId);
        read.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
        read.ToolId.ShouldBeNull();
    }

    [Theory, DatabaseData]
    public async Task The_query_built_from_the_model_reads_a_workflow_state_as_a_read_context_reads_it(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        workflow.Output = Json("""{"answer":42}""");
        await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(workflow);

        await ShouldReadAsAReadContextAsync<WorkflowState>(
            db, workflow.WorkflowExecId, context => context.WorkflowStates.AsNoTracking().SingleAsync(row => row.WorkflowExecId == workflow.WorkflowExecId));
    }

    [Theory, DatabaseData]
    public async Task An_upsert_returns_every_property_as_a_read_context_reads_the_stored_row(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        workflow.Output = Json("""{"answer":[1,2,3]}""");
        var storedWorkflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(workflow);
        var task = TaskOf(storedWorkflow);
        task.Status = ExecutionStatus.Waiting;
        task.ExecutionType = ExecutionType.Collection;
        task.AgentId = "writer";
        task.ActionId = "draft";
        task.Input = Json("""{"topic":"tides","nested":{"deep":[true,false,null]}}""");
        task.Error = Json("""{"message":"boom"}""");
        var storedTask = await db.Services.GetRequiredService<ITaskStore>().UpsertStateAsync(task);
        var usage = await db.Services.GetRequiredService<IUsageStore>().UpsertAsync(new ExecutionLlmUsage
        {
            TaskExecId = storedTask.TaskExecId,
            Component = "agent",
            Provider = "openai",
            Model = "gpt-4o",
            PromptTokens = 12,
            CompletionTokens = 30,
            ReasoningTokens = 7,
        });

        await ShouldEqualAsync(db, storedWorkflow, context => context.WorkflowStates.AsNoTracking().SingleAsync(row => row.WorkflowExecId == workflow.WorkflowExecId), "upsert");
        await ShouldEqualAsync(db, storedTask, context => context.TaskStates.AsNoTracking().SingleAsync(row => row.TaskExecId == task.TaskExecId), "upsert");
        await ShouldEqualAsync(db, usage, context => context.ExecutionLlmUsage.AsNoTracking().SingleAsync(row => row.Id == usage.Id), "upsert");
        usage.Id.ShouldBeGreaterThan(0, "the identity the database generated comes back");
        storedTask.Status.ShouldBe(ExecutionStatus.Waiting);
        storedTask.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Theory, DatabaseData]
    public async Task A_key_that_names_no_row_reads_as_nothing_and_the_store_answers_not_found(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var query = await QueryAsync<TaskState>(db);
        var missing = NewId("task");

        var row = await db.Services.GetRequiredService<IPreparedReads>().ReadRowAsync(query.Sql, query.ParameterName, missing, query.Materialize, CancellationToken.None);

        row.ShouldBeNull();
        var refused = await Should.ThrowAsync<CompozyDataException>(() => db.Services.GetRequiredService<ITaskStore>().GetStateAsync(missing));
        refused.Kind.ShouldBe(DbErrorKind.NotFound);
        refused.Message.ShouldContain(missing);
    }

    [Theory, DatabaseData]
    public async Task A_prepared_read_that_fails_transiently_is_read_again_through_a_read_context(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var (id, _) = await TaskAsync(db);
        var failing = new FailingReads(db.Services.GetRequiredService<IPreparedReads>(), new TimeoutException("the read timed out"));
        var fallbacks = 0;

        var read = await Reads(db, failing).GetByKeyAsync<TaskState>(
            "get task state",
            id,
            async (context, token) =>
            {
                fallbacks++;
                return await context.TaskStates.AsNoTracking().SingleOrDefaultAsync(task => task.TaskExecId == id, token);
            },
            () => TaskOperations.NotFound(id),
            CancellationToken.None);

        read.TaskExecId.ShouldBe(id);
        failing.Calls.ShouldBe(1);
        fallbacks.ShouldBe(1, "a timeout is transient: the read context's execution strategy takes over");
    }

    [Theory, DatabaseData]
    public async Task A_prepared_read_that_fails_otherwise_fails_the_read_without_reading_again(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var (id, _) = await TaskAsync(db);
        var failing = new FailingReads(db.Services.GetRequiredService<IPreparedReads>(), new InvalidOperationException("not a database error"));
        var fallbacks = 0;

        var thrown = await Should.ThrowAsync<InvalidOperationException>(() => Reads(db, failing).GetByKeyAsync<TaskState>(
            "get task state",
            id,
            (_, _) =>
            {
                fallbacks++;
                return Task.FromResult<TaskState?>(null);
            },
            () => TaskOperations.NotFound(id),
            CancellationToken.None));

        thrown.Message.ShouldBe("not a database error");
        fallbacks.ShouldBe(0);
    }

    [Theory, DatabaseData]
    public async Task A_cancelled_get_is_cancelled_and_the_next_get_reads(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var (id, tasks) = await TaskAsync(db);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => tasks.GetStateAsync(id, cancelled.Token));

        (await tasks.GetStateAsync(id)).TaskExecId.ShouldBe(id);
    }

    private static async Task ShouldReadAsAReadContextAsync<TEntity>(TestDatabase db, string key, Func<CompozyDbContext, Task<TEntity>> readContextQuery)
        where TEntity : class
    {
        var query = await QueryAsync<TEntity>(db);
        var prepared = await db.Services.GetRequiredService<IPreparedReads>().ReadRowAsync(query.Sql, query.ParameterName, query.KeyValue(key), query.Materialize, CancellationToken.None);
        await ShouldEqualAsync(db, prepared.ShouldNotBeNull(), readContextQuery, "prepared read");
    }

    /// <summary>Every mapped property of <paramref name="actual"/> equals what a read context reads, by the model's own value comparers; times keep their kind.</summary>
    internal static async Task ShouldEqualAsync<TEntity>(TestDatabase db, TEntity actual, Func<CompozyDbContext, Task<TEntity>> readContextQuery, string what)
        where TEntity : class
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        var expected = await readContextQuery(context);
        var properties = context.Model.FindEntityType(typeof(TEntity))!.GetProperties().Where(property => property.PropertyInfo is not null).ToList();
        properties.Count.ShouldBeGreaterThan(5);
        foreach (var property in properties)
        {
            var value = property.PropertyInfo!.GetValue(actual);
            var wanted = property.PropertyInfo.GetValue(expected);
            property.GetValueComparer().Equals(value, wanted).ShouldBeTrue($"{typeof(TEntity).Name}.{property.Name}: {what} {value ?? "null"}, read context {wanted ?? "null"}");
            if (value is DateTime time)
            {
                time.Kind.ShouldBe(((DateTime)wanted!).Kind, $"{typeof(TEntity).Name}.{property.Name}");
            }
        }
    }

    private static async Task<RowByKeyQuery<TEntity>> QueryAsync<TEntity>(TestDatabase db)
        where TEntity : class
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        return RowByKeyQuery<TEntity>.Build(context.Model, context.GetService<ISqlGenerationHelper>());
    }

    private static StoreReads Reads(TestDatabase db, IPreparedReads prepared) =>
        new(db.Contexts, db.Services.GetRequiredService<StoreErrors>(), db.Services.GetRequiredService<IDbErrorClassifier>(), prepared);

    private static async Task<(string Id, ITaskStore Tasks)> TaskAsync(TestDatabase db)
    {
        var workflow = await db.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(Workflow());
        var tasks = db.Services.GetRequiredService<ITaskStore>();
        return ((await tasks.UpsertStateAsync(TaskOf(workflow))).TaskExecId, tasks);
    }

    /// <summary>The provider's prepared reads, failing the first call with <paramref name="failure"/>.</summary>
    private sealed class FailingReads(IPreparedReads inner, Exception failure) : IPreparedReads
    {
        public int Calls { get; private set; }

        public Task<T?> ReadRowAsync<T>(string sql, string parameterName, object key, Func<DbDataReader, T> materialize, CancellationToken cancellationToken)
            where T : class =>
            ++Calls == 1 ? Task.FromException<T?>(failure) : inner.ReadRowAsync(sql, parameterName, key, materialize, cancellationToken);
    }
}
