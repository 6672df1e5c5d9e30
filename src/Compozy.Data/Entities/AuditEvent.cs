using System.Text.Json;

namespace Compozy.Data.Entities;

/// <summary>
/// One administrative action (<c>audit_events</c>): who did what to which target, when, and how it
/// ended. Rows are only ever inserted; the id is chosen by the process that recorded the action, so
/// an entry replayed from the fallback file is inserted at most once.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Event id (primary key): a GUID version 7 in 32 hex digits, made when the action was recorded.</summary>
    public required string Id { get; set; }

    /// <summary>When the action ended, UTC, whole microseconds.</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>Who acted: <c>user:{id}</c> (with the email) for an API caller, <c>cli:{os user}</c> for the CLI, <c>system</c> for schedules.</summary>
    public required string Actor { get; set; }

    /// <summary>What was done, from a fixed vocabulary (<c>user.created</c>, <c>database.backup</c>...).</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to (a user id, a key id, a file, a migration), when there is one.</summary>
    public string? Target { get; set; }

    /// <summary>How it ended.</summary>
    public AuditOutcome Outcome { get; set; }

    /// <summary>Why it failed or was refused, in a short sentence; <see langword="null"/> when it succeeded.</summary>
    public string? Reason { get; set; }

    /// <summary>Further facts as a JSON object; never a secret (no key, hash or password).</summary>
    public JsonElement? Details { get; set; }
}
