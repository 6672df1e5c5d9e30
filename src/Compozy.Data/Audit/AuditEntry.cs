using Compozy.Data.Entities;

namespace Compozy.Data.Audit;

/// <summary>An action to record with <see cref="IAuditLog.RecordAsync"/>.</summary>
/// <param name="Actor">Who acted (see <see cref="AuditActors"/>).</param>
/// <param name="Action">What was done (see <see cref="AuditActions"/>).</param>
/// <param name="Target">What it was done to, when there is one.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reason">Why it failed or was refused; keep it short and free of secrets.</param>
/// <param name="Details">Further facts; never a secret (no key, hash or password).</param>
public sealed record AuditEntry(
    string Actor,
    string Action,
    string? Target,
    AuditOutcome Outcome,
    string? Reason = null,
    IReadOnlyDictionary<string, string>? Details = null);
