using Compozy.Data.Entities;

namespace Compozy.Cli.Commands;

/// <summary>
/// What a CLI command records in the audit log when it ends: its action, and what the command
/// learnt while running (the target it made, facts, a refusal it reported itself).
/// </summary>
internal sealed class CliAudit(string action, string? target = null)
{
    public string Action { get; } = action;

    public string? Target { get; set; } = target;

    /// <summary>Set when the command reports a refusal or failure itself and returns an exit code instead of throwing.</summary>
    public AuditOutcome? Outcome { get; set; }

    public string? Reason { get; set; }

    public Dictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether an exception is recorded too. <c>db restore</c> promises that a refused restore
    /// changes nothing in the database, so only its success is recorded.
    /// </summary>
    public bool RecordsFailures { get; init; } = true;
}
