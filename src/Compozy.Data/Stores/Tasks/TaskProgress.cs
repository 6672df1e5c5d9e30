using Compozy.Data.Entities;

namespace Compozy.Data.Stores.Tasks;

/// <summary>How far the children of a parent task have got (Compozy's progress info).</summary>
/// <param name="StatusCounts">Children per status; statuses no child has are absent.</param>
/// <param name="TotalChildren">All children.</param>
/// <param name="SuccessCount">Children in SUCCESS.</param>
/// <param name="FailedCount">Children in FAILED.</param>
/// <param name="CanceledCount">Children in CANCELED.</param>
/// <param name="TimedOutCount">Children in TIMED_OUT.</param>
/// <param name="RunningCount">Children in RUNNING, WAITING or PAUSED: started and not finished.</param>
/// <param name="PendingCount">Children in PENDING.</param>
/// <param name="TerminalCount">Children that finished: SUCCESS, FAILED, CANCELED or TIMED_OUT.</param>
/// <param name="CompletionRate">SUCCESS children over all children; 0 without children.</param>
/// <param name="FailureRate">FAILED and TIMED_OUT children over all children; 0 without children.</param>
public sealed record TaskProgress(
    IReadOnlyDictionary<ExecutionStatus, int> StatusCounts,
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
    /// <summary>The progress of children counted by status.</summary>
    public static TaskProgress From(IReadOnlyDictionary<ExecutionStatus, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int Count(ExecutionStatus status) => counts.GetValueOrDefault(status);
        var total = counts.Values.Sum();
        var success = Count(ExecutionStatus.Success);
        var failed = Count(ExecutionStatus.Failed);
        var canceled = Count(ExecutionStatus.Canceled);
        var timedOut = Count(ExecutionStatus.TimedOut);
        return new TaskProgress(
            counts,
            total,
            success,
            failed,
            canceled,
            timedOut,
            Count(ExecutionStatus.Running) + Count(ExecutionStatus.Waiting) + Count(ExecutionStatus.Paused),
            Count(ExecutionStatus.Pending),
            success + failed + canceled + timedOut,
            total == 0 ? 0 : (double)success / total,
            total == 0 ? 0 : (double)(failed + timedOut) / total);
    }
}
