using System.Text.Json;
using Compozy.Data.Entities;

namespace Compozy.Api.Responses;

/// <summary>An audit event as the API shows it.</summary>
public sealed record AuditEventResponse(
    string Id, DateTime OccurredAt, string Actor, string Action, string? Target, AuditOutcome Outcome, string? Reason, JsonElement? Details)
{
    /// <summary>The response of a stored event.</summary>
    public static AuditEventResponse From(AuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return new(audit.Id, audit.OccurredAt, audit.Actor, audit.Action, audit.Target, audit.Outcome, audit.Reason, audit.Details);
    }
}
