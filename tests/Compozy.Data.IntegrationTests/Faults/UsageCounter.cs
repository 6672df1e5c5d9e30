using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Compozy.Data.IntegrationTests.Model.ModelTestData;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A token-usage row used as a counter: a write that is applied twice shows as a count of two, which
/// no key or constraint would catch.
/// </summary>
internal static class UsageCounter
{
    /// <summary>Stores a workflow and its usage row with a total of 0; returns the row's id.</summary>
    public static async Task<long> CreateAsync(IServiceProvider services)
    {
        var workflow = Workflow();
        var usage = new ExecutionLlmUsage
        {
            WorkflowExecId = workflow.WorkflowExecId,
            Component = "agent",
            Provider = "openai",
            Model = "gpt-4o",
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        };
        await services.GetRequiredService<IDatabaseWriter>().WriteAsync(async (context, _) =>
        {
            context.WorkflowStates.Add(workflow);
            context.ExecutionLlmUsage.Add(usage);
            await Task.CompletedTask;
        });
        return usage.Id;
    }

    /// <summary>A read-modify-write, as code that accumulates token usage does it; returns the new total.</summary>
    public static async Task<long> IncrementAsync(CompozyDbContext context, long id, CancellationToken cancellationToken)
    {
        var usage = await context.ExecutionLlmUsage.SingleAsync(row => row.Id == id, cancellationToken);
        usage.TotalTokens++;
        usage.UpdatedAt = DateTime.UtcNow;
        return usage.TotalTokens;
    }

    /// <summary>The committed total, read on a read context.</summary>
    public static async Task<long> ReadAsync(IServiceProvider services, long id)
    {
        await using var context = await services.GetRequiredService<IDbContextFactory<CompozyDbContext>>().CreateDbContextAsync();
        return await context.ExecutionLlmUsage.Where(row => row.Id == id).Select(row => row.TotalTokens).SingleAsync();
    }
}
