// Compozy.Data on PostgreSQL with pgvector, from a connection string: create a workflow and its
// tasks, read the task tree, search a small knowledge base. Run it again and it replaces what it
// wrote: every write is an upsert.
//
//   export ConnectionStrings__Compozy='Host=localhost;Database=compozy;Username=compozy;Password=...'
//   dotnet run --project samples/Compozy.Samples.Postgres
using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Knowledge;
using Compozy.Data.Providers;
using Compozy.Data.Stores.Tasks;
using Compozy.Data.Stores.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);

// The connection string, as .NET hosts keep it: ConnectionStrings:Compozy in appsettings.json, or
// the ConnectionStrings__Compozy environment variable. Npgsql keywords or a postgres:// URL.
if (builder.Configuration.GetConnectionString("Compozy") is not { Length: > 0 } connectionString)
{
    Console.Error.WriteLine("Set the connection string ConnectionStrings:Compozy, for example the environment variable ConnectionStrings__Compozy='Host=localhost;Database=compozy;Username=compozy;Password=...'");
    return 2;
}

// The same keys as compozy.yaml's database section. The database needs the pgvector extension
// (the first migration creates it) for the knowledge base below.
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["database:driver"] = "postgres",
    ["database:conn_string"] = connectionString,
});
builder.Services.AddCompozyData(builder.Configuration);

// Log lines go to standard error, as compozy's own do, so that standard output is the result.
builder.Logging.ClearProviders();
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

using var host = builder.Build();

// Starting the host applies the migrations and checks pgvector.
await host.StartAsync();
var services = host.Services;
Console.WriteLine($"database: {services.GetRequiredService<IConfiguredDatabaseProvider>().Description}");

var workflows = services.GetRequiredService<IWorkflowStore>();
var tasks = services.GetRequiredService<ITaskStore>();
var now = DateTime.UtcNow;

await workflows.UpsertStateAsync(new WorkflowState
{
    WorkflowExecId = "sample-wf-1",
    WorkflowId = "summarize",
    Status = ExecutionStatus.Running,
    Input = JsonSerializer.SerializeToElement(new { url = "https://example.com" }),
    CreatedAt = now,
    UpdatedAt = now,
});

// A tool task, a parallel task, and two children of it that run an agent's action.
TaskState[] states =
[
    new() { TaskExecId = "sample-task-1", TaskId = "fetch", Component = "task", Status = ExecutionStatus.Success, ToolId = "http-get", WorkflowExecId = "sample-wf-1", WorkflowId = "summarize" },
    new() { TaskExecId = "sample-task-2", TaskId = "summarize-parts", Component = "task", Status = ExecutionStatus.Running, ExecutionType = ExecutionType.Parallel, WorkflowExecId = "sample-wf-1", WorkflowId = "summarize" },
    new() { TaskExecId = "sample-task-3", TaskId = "part-1", Component = "task", Status = ExecutionStatus.Success, AgentId = "writer", ActionId = "summarize", ParentStateId = "sample-task-2", WorkflowExecId = "sample-wf-1", WorkflowId = "summarize" },
    new() { TaskExecId = "sample-task-4", TaskId = "part-2", Component = "task", Status = ExecutionStatus.Running, AgentId = "writer", ActionId = "summarize", ParentStateId = "sample-task-2", WorkflowExecId = "sample-wf-1", WorkflowId = "summarize" },
];
foreach (var state in states)
{
    await tasks.UpsertStateAsync(state);
}

var workflow = await workflows.GetStateAsync("sample-wf-1");
Console.WriteLine($"workflow {workflow.State.WorkflowExecId}: {workflow.State.Status}, tasks {string.Join(", ", workflow.Tasks.Keys.Order(StringComparer.Ordinal))}");

// The tree comes back level by level, the root first.
Console.WriteLine("task tree of sample-task-2:");
var depth = new Dictionary<string, int>(StringComparer.Ordinal);
foreach (var task in await tasks.GetTaskTreeAsync("sample-task-2"))
{
    depth[task.TaskExecId] = task.ParentStateId is { } parent && depth.TryGetValue(parent, out var above) ? above + 1 : 0;
    Console.WriteLine($"{new string(' ', 2 + (2 * depth[task.TaskExecId]))}{task.TaskId} {task.Status}");
}

// A knowledge base of 3-dimensional embeddings in the default store: on PostgreSQL, pgvector.
var knowledge = services.GetRequiredService<IKnowledgeStore>();
await knowledge.PutKnowledgeBaseAsync(new KnowledgeBaseRequest("handbook", Dimension: 3));
await knowledge.UpsertChunksAsync("handbook",
[
    new VectorChunk("leave-1", "leave", "Annual leave is 25 days.", new float[] { 1, 0, 0 }, null),
    new VectorChunk("leave-2", "leave", "Leave requests go to your manager.", new float[] { 0.8f, 0.6f, 0 }, null),
    new VectorChunk("expenses-1", "expenses", "Submit expenses within 30 days.", new float[] { 0, 0, 1 }, null),
]);

Console.WriteLine("search handbook, nearest to [1, 0, 0]:");
foreach (var hit in await knowledge.SearchAsync("handbook", new VectorQuery(new float[] { 1, 0, 0 }, TopK: 2, new Dictionary<string, JsonElement>())))
{
    Console.WriteLine($"  {hit.Id} {hit.Score:F2} {hit.Text}");
}

await host.StopAsync();
return 0;
