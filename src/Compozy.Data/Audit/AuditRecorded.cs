using Compozy.Data.Entities;

namespace Compozy.Data.Audit;

/// <summary>An entry <see cref="IAuditLog.RecordAsync"/> kept.</summary>
/// <param name="Event">The event, with the id and time made when it was recorded.</param>
/// <param name="InFallback">
/// <see langword="true"/> when the database did not take it and it waits in the fallback file;
/// <see langword="false"/> when it is committed in <c>audit_events</c>.
/// </param>
public sealed record AuditRecorded(AuditEvent Event, bool InFallback);
