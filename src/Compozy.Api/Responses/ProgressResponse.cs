using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores.Tasks;

namespace Compozy.Api.Responses;

/// <summary>Counts and rates of tasks by status.</summary>
public sealed record ProgressResponse(
    IReadOnlyDictionary<string, int> StatusCounts,
    int TotalChildren,
    int SuccessCount,
    int FailedCount,
    int CanceledCount,
    int TimedOutCount,
    int RunningCount,
    int PendingCount,
    int TerminalCount,
    double CompletionRate,
    double FailureRate)
{
    /// <summary>The response of a progress, statuses spelt as Compozy spells them.</summary>
    public static ProgressResponse From(TaskProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new(
            progress.StatusCounts.ToDictionary(pair => StoredNames.Of(pair.Key), pair => pair.Value, StringComparer.Ordinal),
            progress.TotalChildren,
            progress.SuccessCount,
            progress.FailedCount,
            progress.CanceledCount,
            progress.TimedOutCount,
            progress.RunningCount,
            progress.PendingCount,
            progress.TerminalCount,
            progress.CompletionRate,
            progress.FailureRate);
    }
}
