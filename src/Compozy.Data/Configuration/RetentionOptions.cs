using Compozy.Data.Entities;

namespace Compozy.Data.Configuration;

/// <summary>Scheduled pruning in <c>compozy start</c> (<c>database.retention.*</c>); off unless <see cref="Interval"/> is set.</summary>
public sealed class RetentionOptions
{
    /// <summary>How often to prune; <see langword="null"/> (the default): never on a schedule.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Age past which a finished workflow execution is deleted; set whenever <see cref="Interval"/> is.</summary>
    public TimeSpan? OlderThan { get; init; }

    /// <summary>The finished statuses that are pruned; every terminal status by default.</summary>
    public IReadOnlyList<ExecutionStatus> Statuses { get; init; } = Operations.PruneRequest.TerminalStatuses;
}
