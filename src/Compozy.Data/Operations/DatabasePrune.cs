using System.Diagnostics;
using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Entities;
using Compozy.Data.Persistence;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Operations;

/// <summary>
/// Provider-neutral pruning: the rows are chosen and deleted with EF Core on both databases; only
/// the space given back afterwards is the provider's (<see cref="IDatabaseMaintenance"/>).
/// </summary>
/// <remarks>
/// Only workflow executions are deleted by statement: their task executions (and the children of
/// those) and the usage rows of both go by the schema's <c>ON DELETE CASCADE</c>, in the same
/// transaction, so a batch never leaves a task without its workflow. Each batch picks its
/// executions again, oldest first, inside its own transaction: what an earlier batch deleted is
/// gone, and an execution that changed status meanwhile is no longer picked.
/// </remarks>
internal sealed partial class DatabasePrune(
    IDatabaseWriter writer,
    IDbContextFactory<CompozyDbContext> contexts,
    IDatabaseMaintenance maintenance,
    TimeProvider clock,
    ILogger<DatabasePrune> logger) : IDatabasePrune
{
    public async Task<DatabaseReport> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var elapsed = Stopwatch.StartNew();
        var cutoff = clock.GetUtcNow().UtcDateTime - request.OlderThan;
        var statuses = request.Statuses.Distinct().ToArray();
        var counts = new PruneCounts(0, 0, 0);
        var batches = 0;
        var longestBatch = TimeSpan.Zero;
        if (request.DryRun)
        {
            var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                counts = await CountAsync(context, Matching(context, statuses, cutoff).Select(workflow => workflow.WorkflowExecId), cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // The first use of a query compiles it, which on a loaded machine took seconds; done
            // here on a read connection, it is not paid inside the first batch's writer turn.
            var warmUp = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (warmUp.ConfigureAwait(false))
            {
                var first = await PickAsync(warmUp, statuses, cutoff, request.BatchSize, cancellationToken).ConfigureAwait(false);
                await CountAsync(warmUp, ByIds(warmUp, first), cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var batch = await writer.WriteAsync((context, token) => DeleteBatchAsync(context, statuses, cutoff, request.BatchSize, token), cancellationToken).ConfigureAwait(false);
                if (batch.Workflows == 0)
                {
                    break;
                }

                // From enqueue to commit: an upper bound on how long this batch held the writer.
                var took = Stopwatch.GetElapsedTime(started);
                longestBatch = took > longestBatch ? took : longestBatch;
                batches++;
                counts = counts.Add(batch);
                LogBatch(batches, batch.Workflows, batch.Tasks, batch.UsageRows, took.TotalMilliseconds);
                if (batch.Workflows < request.BatchSize)
                {
                    break;
                }
            }
        }

        var facts = new List<KeyValuePair<string, object?>>
        {
            new("dry_run", request.DryRun),
            new("older_than", DurationFormat.FormatAge(request.OlderThan)),
            new("cutoff", cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            new("statuses", string.Join(",", statuses.Select(StoredNames.Of))),
            new("workflows", counts.Workflows),
            new("tasks", counts.Tasks),
            new("usage_rows", counts.UsageRows),
            new("batch_size", request.BatchSize),
            new("batches", batches),
            new("longest_batch_ms", Math.Round(longestBatch.TotalMilliseconds)),
        };

        if (counts.Workflows > 0 && !request.DryRun)
        {
            var reclaimed = await maintenance.RunAsync(full: false, cancellationToken).ConfigureAwait(false);
            facts.Add(new("vacuum", reclaimed["mode"]));
            facts.AddRange(reclaimed.Facts.Where(fact => fact.Key is not "mode" and not "duration_ms"));
        }
        else
        {
            facts.Add(new("vacuum", "skipped"));
        }

        facts.Add(new("duration_ms", Math.Round(elapsed.Elapsed.TotalMilliseconds)));
        LogCompleted(request.DryRun ? "dry run" : "prune", counts.Workflows, counts.Tasks, counts.UsageRows, batches, elapsed.Elapsed.TotalMilliseconds);
        return new DatabaseReport(facts);
    }

    private static IQueryable<WorkflowState> Matching(CompozyDbContext context, ExecutionStatus[] statuses, DateTime cutoff) =>
        context.WorkflowStates.Where(workflow => statuses.Contains(workflow.Status) && workflow.UpdatedAt < cutoff);

    private static Task<List<string>> PickAsync(CompozyDbContext context, ExecutionStatus[] statuses, DateTime cutoff, int batchSize, CancellationToken cancellationToken) =>
        Matching(context, statuses, cutoff)
            .OrderBy(workflow => workflow.UpdatedAt)
            .ThenBy(workflow => workflow.WorkflowExecId)
            .Select(workflow => workflow.WorkflowExecId)
            .Take(batchSize)
            .ToListAsync(cancellationToken);

    private static IQueryable<string> ByIds(CompozyDbContext context, List<string> ids) =>
        context.WorkflowStates.Where(workflow => ids.Contains(workflow.WorkflowExecId)).Select(workflow => workflow.WorkflowExecId);

    private static async Task<PruneCounts> DeleteBatchAsync(CompozyDbContext context, ExecutionStatus[] statuses, DateTime cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await PickAsync(context, statuses, cutoff, batchSize, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return new PruneCounts(0, 0, 0);
        }

        var counts = await CountAsync(context, ByIds(context, ids), cancellationToken).ConfigureAwait(false);

        // The filter is applied again so that, on PostgreSQL's READ COMMITTED, an execution that
        // was set running again since it was picked is left alone.
        var deleted = await Matching(context, statuses, cutoff)
            .Where(workflow => ids.Contains(workflow.WorkflowExecId))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return counts with { Workflows = deleted };
    }

    private static async Task<PruneCounts> CountAsync(CompozyDbContext context, IQueryable<string> workflowIds, CancellationToken cancellationToken)
    {
        var workflows = await workflowIds.CountAsync(cancellationToken).ConfigureAwait(false);
        var taskIds = context.TaskStates.Where(task => workflowIds.Contains(task.WorkflowExecId)).Select(task => task.TaskExecId);
        var tasks = await taskIds.CountAsync(cancellationToken).ConfigureAwait(false);
        var usageRows = await context.ExecutionLlmUsage.CountAsync(
            usage => (usage.WorkflowExecId != null && workflowIds.Contains(usage.WorkflowExecId))
                || (usage.TaskExecId != null && taskIds.Contains(usage.TaskExecId)),
            cancellationToken).ConfigureAwait(false);
        return new PruneCounts(workflows, tasks, usageRows);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "prune batch {Batch} committed: {Workflows} workflows, {Tasks} tasks, {UsageRows} usage rows, in {ElapsedMilliseconds:F0} ms")]
    private partial void LogBatch(int batch, int workflows, int tasks, int usageRows, double elapsedMilliseconds);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "{Mode} completed: {Workflows} workflows, {Tasks} tasks, {UsageRows} usage rows in {Batches} batches, in {ElapsedMilliseconds:F0} ms")]
    private partial void LogCompleted(string mode, int workflows, int tasks, int usageRows, int batches, double elapsedMilliseconds);
}
