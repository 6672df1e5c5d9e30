using System.Globalization;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Compozy.Data.Stores.Sql;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores.Usage;

/// <inheritdoc cref="IUsageStore"/>
internal sealed class UsageStore(
    StoreReads reads,
    StoreWrites writes,
    IStoreDialect dialect,
    TimeProvider clock) : IUsageStore
{
    // The conflict targets are the two partial unique indexes; their predicates must be the
    // indexes' own filters for PostgreSQL to pick them.
    private static readonly UpsertShape ByTask = new(["task_exec_id", "component"], "\"task_exec_id\" IS NOT NULL", ["created_at"]);
    private static readonly UpsertShape ByWorkflow = new(["workflow_exec_id", "component"], "\"workflow_exec_id\" IS NOT NULL", ["created_at"]);

    public async Task<ExecutionLlmUsage> UpsertAsync(ExecutionLlmUsage row, CancellationToken cancellationToken = default)
    {
        Validate(row);
        var shape = row.TaskExecId is null ? ByWorkflow : ByTask;
        var timestamps = UpsertTimestamps.At(clock.GetUtcNow().UtcDateTime);
        try
        {
            return await writes.RunAsync(
                "upsert usage", (context, token) => ModelUpsert.UpsertAsync(context, dialect, row, shape, timestamps, token), cancellationToken).ConfigureAwait(false);
        }
        catch (CompozyDataException exception) when (exception.Kind == DbErrorKind.ForeignKey)
        {
            // A usage row references exactly one execution, so the one it names is the one missing.
            throw row.TaskExecId is { } task
                ? CompozyDataException.MissingReference("task_exec_id", $"task state '{task}' not found", exception)
                : CompozyDataException.MissingReference("workflow_exec_id", $"workflow state '{row.WorkflowExecId}' not found", exception);
        }
    }

    public Task<ExecutionLlmUsage> GetByTaskExecIdAsync(string taskExecId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "get usage by task",
            async (context, token) => await context.ExecutionLlmUsage.AsNoTracking()
                    .Where(usage => usage.TaskExecId == taskExecId)
                    .OrderByDescending(usage => usage.UpdatedAt)
                    .ThenByDescending(usage => usage.Id)
                    .FirstOrDefaultAsync(token)
                    .ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("usage of task state", taskExecId),
            cancellationToken);

    public Task<ExecutionLlmUsage> GetByWorkflowExecIdAsync(string workflowExecId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "get usage by workflow",
            async (context, token) => await context.ExecutionLlmUsage.AsNoTracking()
                    .Where(usage => usage.WorkflowExecId == workflowExecId && usage.Component == UsageComponents.Workflow)
                    .FirstOrDefaultAsync(token)
                    .ConfigureAwait(false)
                ?? throw CompozyDataException.NotFound("usage of workflow state", workflowExecId),
            cancellationToken);

    public Task<UsageTotals> SummarizeByWorkflowExecIdAsync(string workflowExecId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "summarize workflow usage",
            async (context, token) =>
            {
                var tasksOfWorkflow = context.TaskStates.Where(task => task.WorkflowExecId == workflowExecId).Select(task => task.TaskExecId);
                var rows = await context.ExecutionLlmUsage.AsNoTracking()
                    .Where(usage => usage.Component != UsageComponents.Workflow
                        && (usage.WorkflowExecId == workflowExecId || tasksOfWorkflow.Contains(usage.TaskExecId!)))
                    .ToListAsync(token)
                    .ConfigureAwait(false);
                return rows.Count == 0
                    ? throw CompozyDataException.NotFound("usage of workflow state", workflowExecId)
                    : Summarize(workflowExecId, rows);
            },
            cancellationToken);

    private static UsageTotals Summarize(string workflowExecId, List<ExecutionLlmUsage> rows)
    {
        // Added in C#, with overflow checks, rather than by SQL SUM: PostgreSQL's SUM of bigint is
        // numeric and SQLite's fails with a generic error, while here a sum past 64 bits becomes
        // one clear refusal on both databases.
        long Sum(string field, Func<ExecutionLlmUsage, long> count)
        {
            var sum = 0L;
            foreach (var row in rows)
            {
                sum = Add(sum, count(row), field);
            }

            return sum;
        }

        long? SumPresent(string field, Func<ExecutionLlmUsage, long?> count) =>
            rows.Any(row => count(row) is not null) ? Sum(field, row => count(row) ?? 0) : null;

        long Add(long left, long right, string field)
        {
            try
            {
                return checked(left + right);
            }
            catch (OverflowException exception)
            {
                throw new CompozyDataException(
                    DbErrorKind.Conflict,
                    string.Create(CultureInfo.InvariantCulture, $"usage of workflow state '{workflowExecId}' cannot be summarized: {field} of its {rows.Count} usage rows adds up to more than {long.MaxValue}, the largest token count; the rows themselves are intact"),
                    exception);
            }
        }

        var pairs = rows.Select(row => (row.Provider, row.Model)).Distinct().ToList();
        var prompt = Sum("prompt_tokens", row => row.PromptTokens);
        var completion = Sum("completion_tokens", row => row.CompletionTokens);
        var total = Sum("total_tokens", row => row.TotalTokens);
        return new UsageTotals(
            workflowExecId,
            pairs.Count == 1 ? pairs[0].Provider : UsageTotals.Mixed,
            pairs.Count == 1 ? pairs[0].Model : UsageTotals.Mixed,
            prompt,
            completion,
            total == 0 ? Add(prompt, completion, "total_tokens") : total,
            SumPresent("reasoning_tokens", row => row.ReasoningTokens),
            SumPresent("cached_prompt_tokens", row => row.CachedPromptTokens),
            SumPresent("input_audio_tokens", row => row.InputAudioTokens),
            SumPresent("output_audio_tokens", row => row.OutputAudioTokens),
            rows.Count,
            rows.Min(row => row.CreatedAt),
            rows.Max(row => row.UpdatedAt));
    }

    private static void Validate(ExecutionLlmUsage row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.IsNullOrWhiteSpace(row.Component))
        {
            throw new ArgumentException("component is required", nameof(row));
        }

        if (string.IsNullOrWhiteSpace(row.Provider) || string.IsNullOrWhiteSpace(row.Model))
        {
            throw new ArgumentException("provider and model are required", nameof(row));
        }

        if ((row.TaskExecId is null) == (row.WorkflowExecId is null))
        {
            throw new ArgumentException("exactly one of workflow_exec_id and task_exec_id must be set", nameof(row));
        }
    }

    private Task<T> ReadAsync<T>(string operation, Func<CompozyDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        reads.RunAsync(operation, read, cancellationToken);
}
