using Compozy.Data.Entities;

namespace Compozy.Data.Audit;

/// <summary>Which audit events a listing returns: every field that is set must match.</summary>
public sealed record AuditEventFilter
{
    /// <summary>Only this action (exact).</summary>
    public string? Action { get; init; }

    /// <summary>Only this actor (exact).</summary>
    public string? Actor { get; init; }

    /// <summary>Only this outcome.</summary>
    public AuditOutcome? Outcome { get; init; }

    /// <summary>Only events at or after this time (UTC).</summary>
    public DateTime? Since { get; init; }

    /// <summary>Only events before this time (UTC).</summary>
    public DateTime? Until { get; init; }
}
