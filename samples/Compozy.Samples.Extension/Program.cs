// A team's own entity next to Compozy's tables, with its own EF Core migrations for SQLite and
// PostgreSQL (docs/database/migrations.md#your-own-entities). Run it again and it replaces what
// it wrote.
//
//   dotnet run --project samples/Compozy.Samples.Extension [-- --database:path=/tmp/compozy-notes.db]
//   ConnectionStrings__Compozy='Host=...;Database=...' dotnet run --project samples/Compozy.Samples.Extension
using Compozy.Data.Entities;
using Compozy.Data.Stores.Workflows;
using Compozy.Samples.Extension.Notes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);

// PostgreSQL when a connection string is given, otherwise an embedded SQLite file.
var connectionString = builder.Configuration.GetConnectionString("Compozy");
builder.Configuration.AddInMemoryCollection(connectionString is null
    ? new Dictionary<string, string?> { ["database:driver"] = "sqlite", ["database:path"] = builder.Configuration["database:path"] ?? "compozy-notes.db" }
    : new Dictionary<string, string?> { ["database:driver"] = "postgres", ["database:conn_string"] = connectionString });
builder.Services.AddCompozyData(builder.Configuration);
builder.Services.AddSingleton<NotesDatabase>();

builder.Logging.ClearProviders();
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

using var host = builder.Build();

// Starting the host applies Compozy's migrations; the notes' come after them.
await host.StartAsync();
var notes = host.Services.GetRequiredService<NotesDatabase>();
var applied = await notes.MigrateAsync();
Console.WriteLine($"notes migrations applied: {string.Join(", ", applied.Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]).DefaultIfEmpty("none"))}");

var now = DateTime.UtcNow;
await host.Services.GetRequiredService<IWorkflowStore>().UpsertStateAsync(new WorkflowState
{
    WorkflowExecId = "sample-wf-notes",
    WorkflowId = "summarize",
    Status = ExecutionStatus.Success,
    CreatedAt = now,
    UpdatedAt = now,
});
await notes.ReplaceAsync("sample-wf-notes", ["The summary cites the right sources.", "Shorten the second paragraph."]);

Console.WriteLine("notes of sample-wf-notes:");
foreach (var note in await notes.ListAsync("sample-wf-notes"))
{
    Console.WriteLine($"  {note.Text}");
}

await host.StopAsync();
