using Compozy.Data.Entities;
using Compozy.Data.Stores;

namespace Compozy.Data.Audit;

/// <summary>
/// The audit log of administrative actions (<c>audit_events</c>). Recording never fails the action
/// it records and never loses an entry: when the database cannot take it after
/// <c>database.audit.retry_attempts</c> attempts with exponential backoff, the entry is appended to
/// the fallback file (JSON Lines, 0600, fsynced) and replayed into the table, once, by
/// <see cref="ReplayAsync"/> when the database answers again.
/// </summary>
public interface IAuditLog
{
    /// <summary>
    /// Records <paramref name="entry"/> now and returns the event (its id made here) and where it is kept.
    /// Returns once the entry is committed to the database or fsynced to the fallback file.
    /// </summary>
    /// <exception cref="IOException">Neither the database nor the fallback file could take the entry.</exception>
    Task<AuditRecorded> RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs an administrative action and records how it ended: <see cref="AuditOutcome.Succeeded"/>
    /// with what <paramref name="describe"/> says of the result; <see cref="AuditOutcome.Refused"/>
    /// when the action threw because the request was wrong or not allowed (not found, conflict, bad
    /// input); <see cref="AuditOutcome.Failed"/> for any other exception, which is then rethrown.
    /// A failure to record is logged (event 7405), never thrown: the action's own result stands.
    /// </summary>
    Task<T> RunAsync<T>(
        string actor,
        string action,
        string? target,
        Func<CancellationToken, Task<T>> work,
        Func<T, AuditDescription>? describe = null,
        CancellationToken cancellationToken = default);

    /// <summary>One page of events, oldest first (by occurrence time, then id).</summary>
    /// <exception cref="ArgumentException">The cursor was not returned by a previous page.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1 to <see cref="PageRequest.MaxLimit"/>.</exception>
    Task<Page<AuditEvent>> ListAsync(AuditEventFilter filter, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts every entry of the fallback file that the table does not hold yet, then removes the
    /// file; returns how many were inserted. Safe to repeat and to interrupt: an entry is inserted
    /// at most once (by its id), and entries appended meanwhile wait for the next replay.
    /// </summary>
    /// <exception cref="Errors.CompozyDataException">The database cannot take them yet; the file is kept.</exception>
    Task<int> ReplayAsync(CancellationToken cancellationToken = default);

    /// <summary>Entries waiting in the fallback file.</summary>
    long PendingFallbackEntries();
}
