using System.Diagnostics.Metrics;
using System.Text.Json;
using Compozy.Data.Configuration;
using Compozy.Data.Diagnostics;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence.Conventions;
using Compozy.Data.Stores;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Audit;

/// <inheritdoc cref="IAuditLog"/>
internal sealed partial class AuditLog : IAuditLog, IDisposable
{
    private const int ReasonLength = 500;
    private const int ReplayBatch = 200;

    private readonly IDatabaseWriter _writer;
    private readonly StoreReads _reads;
    private readonly StoreErrors _errors;
    private readonly TimeProvider _clock;
    private readonly ILogger<AuditLog> _logger;
    private readonly AuditOptions _options;
    private readonly AuditFallbackFile _file;
    private readonly SemaphoreSlim _replayGate = new(1, 1);
    private readonly Counter<long> _written;
    private readonly Counter<long> _fallback;
    private readonly Counter<long> _replayed;

    public AuditLog(
        IDatabaseWriter writer,
        StoreReads reads,
        StoreErrors errors,
        TimeProvider clock,
        IOptions<CompozyDataOptions> options,
        CompozyDataMeter meter,
        ILogger<AuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meter);
        _writer = writer;
        _reads = reads;
        _errors = errors;
        _clock = clock;
        _logger = logger;
        _options = options.Value.Database.Audit;
        _file = new AuditFallbackFile(_options.FallbackPath);
        var m = meter.Meter;
        _written = m.CreateCounter<long>("compozy.data.audit.written", "{entry}", "Audit entries written into audit_events when they were recorded.");
        _fallback = m.CreateCounter<long>("compozy.data.audit.fallback", "{entry}", "Audit entries the database could not take, appended to the fallback file.");
        _replayed = m.CreateCounter<long>("compozy.data.audit.replayed", "{entry}", "Audit entries replayed from the fallback file into audit_events.");
        m.CreateObservableGauge("compozy.data.audit.fallback.pending", PendingFallbackEntries, "{entry}", "Audit entries waiting in the fallback file for the database.");
    }

    /// <summary>The fallback file (full path).</summary>
    public string FallbackPath => _file.Path;

    public async Task<AuditRecorded> RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var audit = Create(entry);
        Exception? last = null;
        for (var attempt = 1; attempt <= _options.RetryAttempts; attempt++)
        {
            try
            {
                await _errors.RunAsync(
                    "record audit event",
                    token => _writer.WriteAsync(
                        (context, _) =>
                        {
                            context.AuditEvents.Add(Copy(audit));
                            return Task.FromResult(true);
                        },
                        token),
                    cancellationToken).ConfigureAwait(false);
                _written.Add(1);
                return new AuditRecorded(audit, InFallback: false);
            }
            catch (CompozyDataException exception) when (exception.Kind == DbErrorKind.UniqueConflict)
            {
                // The id is made here and nowhere else: the row is this entry, committed by an
                // attempt whose reply was lost.
                _written.Add(1);
                return new AuditRecorded(audit, InFallback: false);
            }
            catch (Exception exception) when (exception is not (ArgumentException or OutOfMemoryException))
            {
                last = exception;
                if (cancellationToken.IsCancellationRequested || attempt == _options.RetryAttempts)
                {
                    break;
                }

                var delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
                LogRetrying(audit.Id, audit.Action, attempt, _options.RetryAttempts, delay.TotalMilliseconds, exception.Message);
                try
                {
                    await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Handed over means kept: the caller's cancellation does not stop the append.
        await _file.AppendAsync(audit, CancellationToken.None).ConfigureAwait(false);
        _fallback.Add(1);
        var outcome = StoredNames.Of(audit.Outcome);
        LogFellBack(audit.Id, audit.Action, outcome, _file.Path, last?.Message ?? "cancelled");
        return new AuditRecorded(audit, InFallback: true);
    }

    public Task<Page<AuditEvent>> ListAsync(AuditEventFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var limit = Paging.Limit(page);
        var after = PageCursor.Decode(page.After);
        return _reads.RunAsync(
            "list audit events",
            async (context, token) =>
            {
                var query = context.AuditEvents.AsNoTracking();
                if (filter.Action is { } action)
                {
                    query = query.Where(audit => audit.Action == action);
                }

                if (filter.Actor is { } actor)
                {
                    query = query.Where(audit => audit.Actor == actor);
                }

                if (filter.Outcome is { } outcome)
                {
                    query = query.Where(audit => audit.Outcome == outcome);
                }

                if (filter.Since is { } since)
                {
                    var from = UtcDateTimeConverter.ToStore(since);
                    query = query.Where(audit => audit.OccurredAt >= from);
                }

                if (filter.Until is { } until)
                {
                    var to = UtcDateTimeConverter.ToStore(until);
                    query = query.Where(audit => audit.OccurredAt < to);
                }

                if (after is { } cursor)
                {
                    query = query.Where(audit => audit.OccurredAt > cursor.CreatedAt
                        || (audit.OccurredAt == cursor.CreatedAt && string.Compare(audit.Id, cursor.Id) > 0));
                }

                var rows = await query
                    .OrderBy(audit => audit.OccurredAt)
                    .ThenBy(audit => audit.Id)
                    .Take(limit + 1)
                    .ToListAsync(token)
                    .ConfigureAwait(false);
                return Paging.Cut(rows, page, audit => new PageCursor(audit.OccurredAt, audit.Id));
            },
            cancellationToken);
    }

    public async Task<int> ReplayAsync(CancellationToken cancellationToken = default)
    {
        await _replayGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var inserted = 0;

            // The first round finishes a replay that stopped (its .replaying file); the second
            // takes what was appended since.
            for (var round = 0; round < 2; round++)
            {
                var file = await _file.TakeForReplayAsync(cancellationToken).ConfigureAwait(false);
                if (file is null)
                {
                    break;
                }

                var (events, lines) = ReadEvents(file);
                var fromFile = 0;
                foreach (var batch in events.Chunk(ReplayBatch))
                {
                    fromFile += await InsertAbsentAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                _file.Remove(file);
                _replayed.Add(fromFile);
                inserted += fromFile;
                LogReplayed(fromFile, events.Count - fromFile, lines - events.Count, file);
            }

            return inserted;
        }
        finally
        {
            _replayGate.Release();
        }
    }

    public long PendingFallbackEntries() => _file.CountPending();

    public void Dispose()
    {
        _replayGate.Dispose();
        _file.Dispose();
    }

    public async Task<T> RunAsync<T>(
        string actor,
        string action,
        string? target,
        Func<CancellationToken, Task<T>> work,
        Func<T, AuditDescription>? describe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result;
        try
        {
            result = await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var (outcome, reason) = OutcomeOf(exception);
            await RecordQuietlyAsync(new AuditEntry(actor, action, target, outcome, reason)).ConfigureAwait(false);
            throw;
        }

        var description = describe?.Invoke(result);
        await RecordQuietlyAsync(new AuditEntry(actor, action, description?.Target ?? target, AuditOutcome.Succeeded, Details: description?.Details))
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>How an exception ends an action: refused when the request was wrong or not allowed, failed otherwise.</summary>
    internal static (AuditOutcome Outcome, string Reason) OutcomeOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var refused = exception switch
        {
            CompozyDataException data => data.Kind is DbErrorKind.NotFound or DbErrorKind.UniqueConflict or DbErrorKind.ForeignKey
                or DbErrorKind.Check or DbErrorKind.Conflict,
            ArgumentException or RequestValidationException => true,
            _ => false,
        };
        var reason = exception is OperationCanceledException ? "cancelled" : exception.Message;
        return (refused ? AuditOutcome.Refused : AuditOutcome.Failed, Shorten(reason)!);
    }

    private async Task RecordQuietlyAsync(AuditEntry entry)
    {
        try
        {
            // The action is done (or failed) whatever the caller's token says now: record it.
            await RecordAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var outcome = StoredNames.Of(entry.Outcome);
            LogLost(entry.Action, entry.Actor, entry.Target ?? "-", outcome, _file.Path, exception.Message);
        }
    }

    private async Task<int> InsertAbsentAsync(AuditEvent[] batch, CancellationToken cancellationToken) =>
        await _errors.RunAsync(
            "replay audit events",
            token => _writer.WriteAsync(
                async (context, innerToken) =>
                {
                    var ids = batch.Select(audit => audit.Id).ToList();
                    var present = await context.AuditEvents.AsNoTracking()
                        .Where(audit => ids.Contains(audit.Id))
                        .Select(audit => audit.Id)
                        .ToListAsync(innerToken)
                        .ConfigureAwait(false);
                    var absent = batch.ExceptBy(present, audit => audit.Id).Select(Copy).ToList();
                    context.AuditEvents.AddRange(absent);
                    return absent.Count;
                },
                token),
            cancellationToken,
            shape: $"{batch.Length} entries").ConfigureAwait(false);

    private (List<AuditEvent> Events, int Lines) ReadEvents(string file)
    {
        var events = new List<AuditEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = 0;
        IEnumerable<string> content;
        try
        {
            content = File.ReadAllLines(file);
        }
        catch (FileNotFoundException)
        {
            // Another process replayed and removed it meanwhile.
            return (events, 0);
        }

        foreach (var line in content)
        {
            lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            AuditEvent? audit = null;
            try
            {
                audit = AuditFallbackFile.Deserialize(line);
            }
            catch (JsonException)
            {
                // Reported below: a torn last line of a crash during an append (never acknowledged) or an edit by hand.
            }

            if (audit is null || string.IsNullOrEmpty(audit.Id) || string.IsNullOrEmpty(audit.Action))
            {
                LogUnreadable(file, lines);
                continue;
            }

            if (seen.Add(audit.Id))
            {
                audit.OccurredAt = UtcDateTimeConverter.ToStore(DateTime.SpecifyKind(audit.OccurredAt, DateTimeKind.Utc));
                events.Add(audit);
            }
        }

        return (events, lines);
    }

    private AuditEvent Create(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Actor, nameof(entry));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action, nameof(entry));
        return new AuditEvent
        {
            Id = Guid.CreateVersion7().ToString("N"),
            OccurredAt = UtcDateTimeConverter.ToStore(_clock.GetUtcNow().UtcDateTime),
            Actor = entry.Actor,
            Action = entry.Action,
            Target = entry.Target,
            Outcome = entry.Outcome,
            Reason = Shorten(entry.Reason),
            Details = entry.Details is { Count: > 0 } details ? JsonSerializer.SerializeToElement(details) : null,
        };
    }

    // A fresh instance per attempt: the writer may run the work again on a new context.
    private static AuditEvent Copy(AuditEvent audit) => new()
    {
        Id = audit.Id,
        OccurredAt = audit.OccurredAt,
        Actor = audit.Actor,
        Action = audit.Action,
        Target = audit.Target,
        Outcome = audit.Outcome,
        Reason = audit.Reason,
        Details = audit.Details,
    };

    private static string? Shorten(string? reason) =>
        reason is { Length: > ReasonLength } ? string.Concat(reason.AsSpan(0, ReasonLength - 3), "...") : reason;

    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "audit event {EventId} ({Action}): attempt {Attempt} of {Attempts} failed, trying again in {DelayMilliseconds} ms: {Error}")]
    private partial void LogRetrying(string eventId, string action, int attempt, int attempts, double delayMilliseconds, string error);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Warning, Message = "audit event {EventId} ({Action}, {Outcome}) kept in the fallback file {Path}: the database did not take it ({Error}); it is replayed when the database answers")]
    private partial void LogFellBack(string eventId, string action, string outcome, string path, string error);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Information, Message = "audit fallback replayed: inserted={Inserted} already_present={AlreadyPresent} skipped_lines={Skipped} file={Path}")]
    private partial void LogReplayed(int inserted, int alreadyPresent, int skipped, string path);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Warning, Message = "audit fallback {Path} line {Line} is not an audit entry and is skipped")]
    private partial void LogUnreadable(string path, int line);

    [LoggerMessage(EventId = 7405, Level = LogLevel.Critical, Message = "audit entry NOT recorded: action={Action} actor={Actor} target={Target} outcome={Outcome}; neither the database nor the fallback file {Path} took it: {Error}")]
    private partial void LogLost(string action, string actor, string target, string outcome, string path, string error);
}
