using Compozy.Data.Entities;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The rows of <c>stores</c>: a workflow execution per upsert (a new time-ordered id each time,
/// the same JSON input as <see cref="SampleWorkflow"/>), and a fixed set of task states that the
/// reads look up by id in turn.
/// </summary>
internal static class StoreRows
{
    /// <summary>Task states seeded for the reads: enough that lookups do not hit one cached page.</summary>
    public const int SeededTasks = 2000;

    public static WorkflowState NewWorkflow() => new()
    {
        WorkflowExecId = SampleWorkflow.NewExecId(),
        WorkflowId = SampleWorkflow.WorkflowId,
        Status = ExecutionStatus.Running,
        Input = SampleWorkflow.Input,
    };

    /// <summary>Writes one workflow with <see cref="SeededTasks"/> basic agent tasks through the layer's writer, returning the task ids.</summary>
    public static async Task<string[]> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var workflow = NewWorkflow();
        var ids = Enumerable.Range(0, SeededTasks).Select(_ => Guid.CreateVersion7().ToString()).ToArray();
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync((context, _) =>
        {
            var now = DateTime.UtcNow;
            workflow.CreatedAt = now;
            workflow.UpdatedAt = now;
            context.WorkflowStates.Add(workflow);
            foreach (var id in ids)
            {
                context.TaskStates.Add(new TaskState
                {
                    TaskExecId = id,
                    TaskId = "summarise",
                    Component = "task",
                    Status = ExecutionStatus.Success,
                    WorkflowExecId = workflow.WorkflowExecId,
                    WorkflowId = workflow.WorkflowId,
                    ExecutionType = ExecutionType.Basic,
                    AgentId = "writer",
                    ActionId = "compose",
                    Input = SampleWorkflow.Input,
                    Output = SampleWorkflow.Input,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }

            return Task.FromResult(0);
        }, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>The seeded ids in turn, safe for concurrent callers.</summary>
    public static Func<string> Cycle(string[] ids)
    {
        var next = -1L;
        return () => ids[(int)((ulong)Interlocked.Increment(ref next) % (ulong)ids.Length)];
    }
}
