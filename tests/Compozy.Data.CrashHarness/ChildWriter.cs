using System.Text.Json;
using Compozy.Data.Entities;
using Compozy.Data.Operations;
using Compozy.Data.Sqlite.Checkpoints;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.CrashHarness;

/// <summary>
/// The child: starts a host on the database exactly as <c>compozy start</c> would (startup checks,
/// recovery, migrations, checkpoint service), then commits workflows, each with k tasks in one
/// transaction, through <see cref="IDatabaseWriter"/> and prints <c>ack &lt;id&gt; &lt;k&gt;</c> only
/// after the write returned. It runs until it is killed.
/// </summary>
internal static class ChildWriter
{
    public const string WorkflowId = "crash-harness";
    private const int ConcurrentWriters = 4;
    private const int CommitsPerCheckpoint = 10;

    public static async Task<int> RunAsync(string path, string run, HarnessMode mode, string synchronous)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddCompozyData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["database:driver"] = "sqlite",
            ["database:path"] = path,
            ["database:sqlite:synchronous"] = synchronous,
            ["database:sqlite:wal_checkpoint_interval"] = mode == HarnessMode.Checkpoint ? "100ms" : "200ms",
            ["database:sqlite:wal_checkpoint_truncate_threshold"] = "1MB",
            ["database:sqlite:integrity_check_on_startup"] = "QUICK",
        }).Build());
        Console.Out.WriteLine("building");
        using var host = builder.Build();

        // The markers let the parent kill inside start-up (checks, recovery, migrations) on a signal.
        Console.Out.WriteLine("starting");
        await host.StartAsync();
        Console.Out.WriteLine("ready");

        var services = host.Services;
        using var committed = new SemaphoreSlim(0);
        var writer = services.GetRequiredService<IDatabaseWriter>();
        var background = mode switch
        {
            HarnessMode.Checkpoint => Task.Run(() => CheckpointLoopAsync(services.GetRequiredService<SqliteCheckpointer>(), committed)),
            HarnessMode.Maintenance => Task.Run(() => MaintenanceLoopAsync(writer, services.GetRequiredService<IDatabaseMaintenance>())),

            // Nothing runs beside the writers; the child ends only when it is killed.
            _ => new TaskCompletionSource().Task,
        };

        var sequence = 0L;
        var writers = Enumerable.Range(0, ConcurrentWriters).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var number = Interlocked.Increment(ref sequence);
                var tasks = (int)(1 + (number % 5));
                var id = $"{run}-{number}";
                await writer.WriteAsync(async (context, _) =>
                {
                    var now = DateTime.UtcNow;
                    context.WorkflowStates.Add(new WorkflowState
                    {
                        WorkflowExecId = id,
                        WorkflowId = WorkflowId,
                        Status = ExecutionStatus.Running,
                        Input = Json($"{{\"k\":{tasks},\"padding\":\"{new string('p', 200)}\"}}"),
                        CreatedAt = now,
                        UpdatedAt = now,
                    });
                    for (var task = 0; task < tasks; task++)
                    {
                        context.TaskStates.Add(new TaskState
                        {
                            TaskExecId = $"{id}-t{task}",
                            TaskId = $"step-{task}",
                            Component = "task",
                            WorkflowExecId = id,
                            WorkflowId = WorkflowId,
                            Status = ExecutionStatus.Success,
                            Output = Json($"{{\"step\":{task}}}"),
                            CreatedAt = now,
                            UpdatedAt = now,
                        });
                    }

                    await Task.CompletedTask;
                });
                lock (Console.Out)
                {
                    Console.Out.WriteLine($"ack {id} {tasks}");
                }

                committed.Release();
            }
        })).ToList();

        await Task.WhenAny(writers.Append(background));
        foreach (var failed in writers.Append(background).Where(task => task.IsFaulted))
        {
            await Console.Error.WriteLineAsync($"child failed: {failed.Exception}");
        }

        return 1;
    }

    /// <summary>Checkpoints between commits: one after every <see cref="CommitsPerCheckpoint"/> commits, so each has WAL frames to move.</summary>
    private static async Task CheckpointLoopAsync(SqliteCheckpointer checkpointer, SemaphoreSlim committed)
    {
        for (var round = 0; ; round++)
        {
            Console.Out.WriteLine("checkpoint begin");
            await checkpointer.CheckpointAsync(round % 2 == 0 ? SqliteCheckpointMode.Truncate : SqliteCheckpointMode.Passive, CancellationToken.None);
            Console.Out.WriteLine("checkpoint end");
            for (var commit = 0; commit < CommitsPerCheckpoint; commit++)
            {
                await committed.WaitAsync();
            }
        }
    }

    private static async Task MaintenanceLoopAsync(IDatabaseWriter writer, IDatabaseMaintenance maintenance)
    {
        var filler = Json($"{{\"filler\":\"{new string('f', 8000)}\"}}");
        for (var round = 0; ; round++)
        {
            await writer.WriteAsync(async (context, _) =>
            {
                for (var row = 0; row < 40; row++)
                {
                    context.WorkflowStates.Add(new WorkflowState
                    {
                        WorkflowExecId = $"filler-{Guid.NewGuid():N}",
                        WorkflowId = "filler",
                        Status = ExecutionStatus.Pending,
                        Input = filler,
                        CreatedAt = DateTime.UtcNow,
                        UpdatedAt = DateTime.UtcNow,
                    });
                }

                await Task.CompletedTask;
            });
            await writer.WriteAsync((context, token) => context.WorkflowStates.Where(state => state.WorkflowId == "filler").ExecuteDeleteAsync(token));
            Console.Out.WriteLine("maintenance begin");
            await maintenance.RunAsync(full: round % 4 == 3, CancellationToken.None);
            Console.Out.WriteLine("maintenance end");
        }
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
