using Compozy.Data.Entities;

namespace Compozy.Data.Audit;

/// <summary>How an exception ends an audited action, as <see cref="IAuditLog.RunAsync{T}"/> records it.</summary>
public static class AuditOutcomes
{
    /// <summary>
    /// <see cref="AuditOutcome.Refused"/> when the request was wrong or not allowed (not found,
    /// conflict, bad input); <see cref="AuditOutcome.Failed"/> otherwise; with a short reason.
    /// </summary>
    public static AuditEntry Of(Exception exception, string actor, string action, string? target)
    {
        var (outcome, reason) = AuditLog.OutcomeOf(exception);
        return new AuditEntry(actor, action, target, outcome, reason);
    }
}
