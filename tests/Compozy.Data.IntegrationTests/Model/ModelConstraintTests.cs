using Compozy.Data.Entities;
using Compozy.Data.Testing;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Model;

/// <summary>The database itself enforces Compozy's rules, whatever writes to it.</summary>
public sealed class ModelConstraintTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    public static TheoryData<DatabaseKind, string?, string?, string?, ExecutionType, bool> ExecutionTypeCases()
    {
        var data = new TheoryData<DatabaseKind, string?, string?, string?, ExecutionType, bool>();
        foreach (var database in Enum.GetValues<DatabaseKind>())
        {
            data.Add(database, "agent", "action", null, ExecutionType.Basic, true);
            data.Add(database, null, null, "tool", ExecutionType.Basic, true);
            data.Add(database, null, null, null, ExecutionType.Basic, true);
            data.Add(database, "agent", null, null, ExecutionType.Basic, false);
            data.Add(database, "agent", "action", "tool", ExecutionType.Basic, false);
            data.Add(database, null, "action", "tool", ExecutionType.Basic, false);
            data.Add(database, null, null, null, ExecutionType.Router, true);
            data.Add(database, null, null, "tool", ExecutionType.Router, false);
            data.Add(database, "agent", "action", "tool", ExecutionType.Parallel, true);
        }

        return data;
    }

    [Theory, MemberData(nameof(ExecutionTypeCases))]
    public async Task The_execution_type_decides_which_components_a_task_may_carry(
        DatabaseKind database, string? agent, string? action, string? tool, ExecutionType type, bool allowed)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        await Insert(db, workflow);
        var task = TaskOf(workflow);
        (task.AgentId, task.ActionId, task.ToolId, task.ExecutionType) = (agent, action, tool, type);

        var write = Insert(db, task);

        if (allowed)
        {
            await write;
        }
        else
        {
            (await Should.ThrowAsync<DbUpdateException>(write)).InnerException!.Message.ShouldContain("ck_task_states_execution_type_components");
        }
    }

    [Theory, DatabaseData]
    public async Task Emails_are_unique_and_found_regardless_of_case(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var local = Guid.NewGuid().ToString("N");
        await Insert(db, User($"Ada.{local}@Example.io"));

        await Should.ThrowAsync<DbUpdateException>(Insert(db, User($"ada.{local}@example.IO")));

        await using var read = await db.Contexts.CreateDbContextAsync();
        var found = await read.Users.SingleAsync(user => user.Email == $"ADA.{local}@EXAMPLE.IO");
        found.Email.ShouldBe($"Ada.{local}@Example.io", "the address is stored as given");
    }

    [Theory, DatabaseData]
    public async Task Api_key_prefix_and_fingerprint_are_unique(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var user = User($"{Guid.NewGuid():N}@example.io");
        await Insert(db, user);
        var first = Key(user);
        await Insert(db, first);

        var samePrefix = Key(user);
        samePrefix.Prefix = first.Prefix;
        await Should.ThrowAsync<DbUpdateException>(Insert(db, samePrefix));

        var sameFingerprint = Key(user);
        sameFingerprint.Fingerprint = first.Fingerprint;
        await Should.ThrowAsync<DbUpdateException>(Insert(db, sameFingerprint));
    }

    [Theory, DatabaseData]
    public async Task Usage_belongs_to_exactly_one_execution_and_is_unique_per_component(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        var task = TaskOf(workflow);
        await Insert(db, workflow);
        await Insert(db, task);

        await Insert(db, Usage(workflow.WorkflowExecId, null, "workflow"));
        await Insert(db, Usage(null, task.TaskExecId, "agent"));
        await Insert(db, Usage(null, task.TaskExecId, "tool"));

        (await Should.ThrowAsync<DbUpdateException>(Insert(db, Usage(workflow.WorkflowExecId, task.TaskExecId, "both"))))
            .InnerException!.Message.ShouldContain("ck_execution_llm_usage_exactly_one_exec_id");
        (await Should.ThrowAsync<DbUpdateException>(Insert(db, Usage(null, null, "neither"))))
            .InnerException!.Message.ShouldContain("ck_execution_llm_usage_exactly_one_exec_id");
        await Should.ThrowAsync<DbUpdateException>(Insert(db, Usage(null, task.TaskExecId, "agent")));
        await Should.ThrowAsync<DbUpdateException>(Insert(db, Usage(workflow.WorkflowExecId, null, "workflow")));

        var negative = Usage(null, task.TaskExecId, "negative");
        negative.PromptTokens = -1;
        (await Should.ThrowAsync<DbUpdateException>(Insert(db, negative))).InnerException!.Message.ShouldContain("ck_execution_llm_usage_tokens_not_negative");
    }

    [Theory, DatabaseData]
    public async Task Deleting_a_workflow_deletes_its_tasks_their_children_and_their_usage(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        var parent = TaskOf(workflow);
        var child = TaskOf(workflow, parent.TaskExecId);
        await Insert(db, workflow);
        await Insert(db, parent);
        await Insert(db, child);
        await Insert(db, Usage(null, child.TaskExecId, "agent"));
        await Insert(db, Usage(workflow.WorkflowExecId, null, "workflow"));

        await db.Writer.WriteAsync((context, token) =>
            context.WorkflowStates.Where(state => state.WorkflowExecId == workflow.WorkflowExecId).ExecuteDeleteAsync(token));

        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.TaskStates.CountAsync(task => task.WorkflowExecId == workflow.WorkflowExecId)).ShouldBe(0);
        (await read.ExecutionLlmUsage.CountAsync(usage => usage.TaskExecId == child.TaskExecId || usage.WorkflowExecId == workflow.WorkflowExecId)).ShouldBe(0);
    }

    [Theory, DatabaseData]
    public async Task Deleting_a_parent_task_deletes_its_children_and_deleting_a_user_deletes_its_keys(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        var parent = TaskOf(workflow);
        var child = TaskOf(workflow, parent.TaskExecId);
        var grandchild = TaskOf(workflow, child.TaskExecId);
        await Insert(db, workflow);
        await Insert(db, parent);
        await Insert(db, child);
        await Insert(db, grandchild);
        var user = User($"{Guid.NewGuid():N}@example.io");
        await Insert(db, user);
        await Insert(db, Key(user));

        await db.Writer.WriteAsync(async (context, token) =>
        {
            await context.TaskStates.Where(task => task.TaskExecId == parent.TaskExecId).ExecuteDeleteAsync(token);
            await context.Users.Where(candidate => candidate.Id == user.Id).ExecuteDeleteAsync(token);
        });

        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.TaskStates.CountAsync(task => task.WorkflowExecId == workflow.WorkflowExecId)).ShouldBe(0);
        (await read.WorkflowStates.CountAsync(state => state.WorkflowExecId == workflow.WorkflowExecId)).ShouldBe(1);
        (await read.ApiKeys.CountAsync(key => key.UserId == user.Id)).ShouldBe(0);
    }

    [Theory, DatabaseData]
    public async Task A_task_of_an_unknown_workflow_is_refused(DatabaseKind database)
    {
        var db = await fixture.GetAsync(database);
        var task = TaskOf(Workflow());

        await Should.ThrowAsync<DbUpdateException>(Insert(db, task));
    }

    public static TheoryData<DatabaseKind, string, string> RawRowsThatBreakRules()
    {
        var data = new TheoryData<DatabaseKind, string, string>();
        foreach (var database in Enum.GetValues<DatabaseKind>())
        {
            data.Add(database, "status", "status = 'DONE'");
            data.Add(database, "input", "input = '{not json'");
            data.Add(database, "usage", "usage = '{\"not\":\"an array\"}'");
        }

        return data;
    }

    [Theory, MemberData(nameof(RawRowsThatBreakRules))]
    public async Task Rows_written_with_raw_sql_are_checked_too(DatabaseKind database, string column, string assignment)
    {
        var db = await fixture.GetAsync(database);
        var workflow = Workflow();
        await Insert(db, workflow);

        // Bypasses EF's conversions entirely; only the database's own constraints can refuse it.
        // The same statement serves both: PostgreSQL coerces the literal to jsonb, SQLite stores text.
        var sql = $"UPDATE workflow_states SET {assignment} WHERE workflow_exec_id = '{workflow.WorkflowExecId}'";
        var error = await Should.ThrowAsync<Exception>(() => db.Writer.WriteAsync((context, token) =>
            context.Database.ExecuteSqlRawAsync(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), token)));

        error.ShouldBeAssignableTo<System.Data.Common.DbException>();
        await using var read = await db.Contexts.CreateDbContextAsync();
        (await read.WorkflowStates.SingleAsync(state => state.WorkflowExecId == workflow.WorkflowExecId)).Status.ShouldBe(ExecutionStatus.Running, $"the {column} update must not have been applied");
    }

    private static User User(string email) => new()
    {
        Id = NewId("user"),
        Email = email,
        Role = UserRole.User,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static ApiKey Key(User user) => new()
    {
        Id = NewId("key"),
        UserId = user.Id,
        Hash = Guid.NewGuid().ToByteArray(),
        Prefix = $"cpzy_{Guid.NewGuid():N}"[..16],
        Fingerprint = System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()),
        CreatedAt = DateTime.UtcNow,
    };

    private static ExecutionLlmUsage Usage(string? workflowExecId, string? taskExecId, string component) => new()
    {
        WorkflowExecId = workflowExecId,
        TaskExecId = taskExecId,
        Component = component,
        Provider = "openai",
        Model = "gpt-4o",
        PromptTokens = 10,
        CompletionTokens = 5,
        TotalTokens = 15,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static Task Insert<T>(TestDatabase db, T entity)
        where T : class =>
        db.Writer.WriteAsync(async (context, token) =>
        {
            context.Add(entity);
            await Task.CompletedTask;
        });
}
