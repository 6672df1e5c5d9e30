using Compozy.Data.Entities;
using Compozy.Data.Persistence.Conventions;

namespace Compozy.Data.Operations;

/// <summary>What <see cref="IDatabasePrune.PruneAsync"/> deletes: finished workflow executions by age and status.</summary>
public sealed record PruneRequest
{
    /// <summary>The smallest <see cref="OlderThan"/> accepted: one minute, so that a typo cannot empty the history of the last seconds.</summary>
    public static TimeSpan ShortestAge { get; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest <see cref="OlderThan"/> accepted: 100 years.</summary>
    public static TimeSpan LongestAge { get; } = TimeSpan.FromDays(36_500);

    /// <summary>The statuses of a finished execution, the only ones that may be pruned.</summary>
    public static IReadOnlyList<ExecutionStatus> TerminalStatuses { get; } =
        [ExecutionStatus.Success, ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.Canceled];

    /// <summary>The stored names of <see cref="TerminalStatuses"/> (<c>SUCCESS</c>, <c>FAILED</c>, <c>TIMED_OUT</c>, <c>CANCELED</c>).</summary>
    public static IReadOnlyList<string> TerminalStatusNames { get; } = [.. TerminalStatuses.Select(StoredNames.Of)];

    /// <summary>Default <see cref="BatchSize"/>: workflow executions deleted per write transaction.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The largest <see cref="BatchSize"/> accepted.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>
    /// Executions whose <c>updated_at</c> (the time they finished, for a finished one) is older
    /// than this, measured from now on the registered <see cref="TimeProvider"/>, are deleted.
    /// From <see cref="ShortestAge"/> to <see cref="LongestAge"/>.
    /// </summary>
    public required TimeSpan OlderThan { get; init; }

    /// <summary>The statuses deleted; each must be one of <see cref="TerminalStatuses"/>, so that running, pending, waiting or paused executions are never touched.</summary>
    public IReadOnlyList<ExecutionStatus> Statuses { get; init; } = TerminalStatuses;

    /// <summary>Count what would be deleted and change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Workflow executions deleted per write transaction (1 to <see cref="MaxBatchSize"/>). Each
    /// batch holds the writer only for its own delete, so a live host's writes run in between.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Throws when the request is out of bounds: an age outside its range, no status or a status
    /// that is not terminal, a batch size outside its range.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The request is out of bounds; the message names the property and what is allowed.</exception>
    public void Validate()
    {
        if (OlderThan < ShortestAge || OlderThan > LongestAge)
        {
            throw new ArgumentOutOfRangeException(nameof(OlderThan), OlderThan, $"{nameof(OlderThan)} must be from {ShortestAge} to {LongestAge}");
        }

        if (Statuses.Count == 0 || Statuses.Any(status => !TerminalStatuses.Contains(status)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Statuses), string.Join(",", Statuses.Select(StoredNames.Of)), $"{nameof(Statuses)} must name one or more of {string.Join(", ", TerminalStatusNames)}");
        }

        if (BatchSize is < 1 or > MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(BatchSize)} must be from 1 to {MaxBatchSize}");
        }
    }
}
