using Compozy.Data.Entities;
using Compozy.Data.Migrations;
using Compozy.Data.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Through the layer: <see cref="IDatabaseWriter.WriteAsync"/> adding one
/// <see cref="WorkflowState"/> per call, awaited before the next (one writer, no concurrency),
/// on a database migrated by the layer itself.
/// </summary>
internal static class LayerScenario
{
    public static async Task<CommitScenario> OpenAsync(string path, string synchronous, CancellationToken cancellationToken)
    {
        var services = LayerServices.Build(path, synchronous);
        await services.GetRequiredService<MigrationRunner>().UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var writer = services.GetRequiredService<IDatabaseWriter>();
        return new CommitScenario($"layer {synchronous}", "layer", synchronous, async () =>
        {
            await writer.WriteAsync((context, _) =>
            {
                var now = DateTime.UtcNow;
                context.WorkflowStates.Add(new WorkflowState
                {
                    WorkflowExecId = SampleWorkflow.NewExecId(),
                    WorkflowId = SampleWorkflow.WorkflowId,
                    Status = ExecutionStatus.Running,
                    Input = SampleWorkflow.Input,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                return Task.FromResult(0);
            }, cancellationToken).ConfigureAwait(false);
        }, services.DisposeAsync);
    }
}
