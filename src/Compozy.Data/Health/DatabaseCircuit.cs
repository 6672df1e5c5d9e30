using System.Diagnostics.Metrics;
using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Diagnostics;
using Compozy.Data.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Health;

/// <summary>
/// Keeps requests from piling up on a database that cannot be reached. After
/// <c>database.circuit.failure_threshold</c> consecutive store operations failed to reach it (what
/// the provider's <see cref="IDbErrorClassifier.IsOutage"/> says), the circuit opens: every store
/// operation is refused at once with <see cref="DatabaseUnavailableException"/>, and a background
/// probe tries to connect every <c>database.circuit.probe_interval</c>; its first success closes
/// the circuit, with no restart. Readiness reports the outage while it lasts.
/// </summary>
/// <remarks>
/// Hand-written rather than Polly's circuit breaker: Polly's half-open state lets one caller's
/// request through as the trial, so a request would wait on the connect timeout again at every
/// break; here no request ever waits on a database known to be down, and the trial is the
/// probe's own connection attempt.
/// </remarks>
public sealed partial class DatabaseCircuit
{
    /// <summary>The gauge: 1 while the circuit is closed, 0 while it is open.</summary>
    public const string AvailableInstrument = "compozy.data.database.available";

    /// <summary>The counter of store operations refused while the circuit was open.</summary>
    public const string RejectedInstrument = "compozy.data.database.rejected";

    private readonly IDbErrorClassifier _classifier;
    private readonly DatabaseFault _fault;
    private readonly TimeProvider _clock;
    private readonly ILogger<DatabaseCircuit> _logger;
    private readonly Counter<long> _rejected;
    private readonly Lock _lock = new();
    private readonly string _probeIntervalText;
    private int _consecutiveFailures;
    private long _rejectedWhileOpen;
    private Outage? _outage;
    private TaskCompletionSource _opened = NewSignal();

    /// <summary>Creates the circuit, closed.</summary>
    public DatabaseCircuit(
        IDbErrorClassifier classifier, DatabaseFault fault, IOptions<CompozyDataOptions> options, TimeProvider clock, CompozyDataMeter meter, ILogger<DatabaseCircuit> logger)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meter);
        _classifier = classifier;
        _fault = fault;
        _clock = clock;
        _logger = logger;
        FailureThreshold = options.Value.Database.Circuit.FailureThreshold;
        ProbeInterval = options.Value.Database.Circuit.ProbeInterval;
        _probeIntervalText = DurationFormat.Format(ProbeInterval);
        RetryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(ProbeInterval.TotalSeconds)));
        meter.Meter.CreateObservableGauge(AvailableInstrument, () => IsOpen ? 0 : 1, description: "1 while the database circuit is closed (requests reach the database), 0 while it is open (they are answered 503 at once).");
        _rejected = meter.Meter.CreateCounter<long>(RejectedInstrument, "{operation}", "Store operations refused without touching the database while the circuit was open, by operation.");
    }

    /// <summary>Consecutive connection failures that open the circuit.</summary>
    public int FailureThreshold { get; }

    /// <summary>How often the probe tries the database while the circuit is open.</summary>
    public TimeSpan ProbeInterval { get; }

    /// <summary>What a refused caller is told to wait: <see cref="ProbeInterval"/> rounded up to whole seconds.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Whether store operations are being refused.</summary>
    public bool IsOpen => Volatile.Read(ref _outage) is not null;

    /// <summary>Since when the circuit is open, or <see langword="null"/> while it is closed.</summary>
    public DateTimeOffset? OpenSince => Volatile.Read(ref _outage)?.Since;

    /// <summary>
    /// What readiness says while the circuit is open (when, the last failure, how often it is
    /// retried), or <see langword="null"/> while it is closed. It names no host or path.
    /// </summary>
    public string? Describe()
    {
        var outage = Volatile.Read(ref _outage);
        return outage is null
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"database unavailable since {outage.Since:yyyy-MM-ddTHH:mm:ssZ}: {outage.Reason}; retrying every {_probeIntervalText}");
    }

    /// <summary>Refuses <paramref name="operation"/> at once while the circuit is open.</summary>
    /// <exception cref="DatabaseUnavailableException">The circuit is open.</exception>
    public void ThrowIfOpen(string operation)
    {
        var outage = Volatile.Read(ref _outage);
        if (outage is null)
        {
            return;
        }

        Interlocked.Increment(ref _rejectedWhileOpen);
        _rejected.Add(1, new KeyValuePair<string, object?>("operation", operation));
        throw new DatabaseUnavailableException(
            string.Create(CultureInfo.InvariantCulture, $"{operation}: the database has been unavailable since {outage.Since:yyyy-MM-ddTHH:mm:ssZ}; nothing was done, try again in {RetryAfter.TotalSeconds:F0} s"),
            RetryAfter);
    }

    /// <summary>A store operation reached the database: the count of consecutive failures starts again.</summary>
    public void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Interlocked.Exchange(ref _consecutiveFailures, 0);
        }
    }

    /// <summary>
    /// A store operation failed with <paramref name="error"/> (<paramref name="cause"/> is the
    /// provider's exception, when there was one): counts it when it says the database could not
    /// be reached, and opens the circuit at the threshold.
    /// </summary>
    public void RecordFailure(CompozyDataException error, Exception? cause)
    {
        ArgumentNullException.ThrowIfNull(error);
        // A database lost for good refuses every request at once by itself, with a message
        // that says a restart is needed; a circuit would only replace it with "try again".
        if (error is DatabaseUnavailableException || _fault.Reason is not null)
        {
            return;
        }

        var classification = (cause is null ? null : _classifier.Classify(cause)) ?? new DbErrorClassification(error.Kind, error.Kind.ToString());
        if (!_classifier.IsOutage(classification))
        {
            RecordSuccess();
            return;
        }

        if (Interlocked.Increment(ref _consecutiveFailures) < FailureThreshold)
        {
            return;
        }

        int failures;
        TaskCompletionSource opened;
        lock (_lock)
        {
            if (_outage is not null)
            {
                return;
            }

            failures = _consecutiveFailures;
            Interlocked.Exchange(ref _rejectedWhileOpen, 0);
            Volatile.Write(ref _outage, new Outage(_clock.GetUtcNow(), error.Message));
            opened = _opened;
        }

        LogOpened(failures, error.Message, RetryAfter.TotalSeconds, _probeIntervalText);
        opened.TrySetResult();
    }

    /// <summary>Completes when the circuit is open (at once if it is).</summary>
    internal Task WaitUntilOpenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _outage is not null ? Task.CompletedTask : _opened.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The probe reached the database: closes the circuit.</summary>
    internal void Close()
    {
        Outage? outage;
        lock (_lock)
        {
            outage = _outage;
            if (outage is null)
            {
                return;
            }

            _opened = NewSignal();
            Interlocked.Exchange(ref _consecutiveFailures, 0);
            Volatile.Write(ref _outage, null);
        }

        var down = (_clock.GetUtcNow() - outage.Since).TotalMilliseconds;
        var rejected = Interlocked.Read(ref _rejectedWhileOpen);
        LogClosed(down, rejected);
    }

    /// <summary>The probe failed: the reason readiness gives is the probe's.</summary>
    internal void ProbeFailed(string reason)
    {
        lock (_lock)
        {
            if (_outage is { } outage)
            {
                Volatile.Write(ref _outage, outage with { Reason = reason });
            }
        }

        LogProbeFailed(reason, _probeIntervalText);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "database unavailable: circuit opened after {Failures} consecutive connection failures, the last: {Reason}. Requests that need the database are answered 503 with Retry-After {RetryAfterSeconds} s until a probe (every {ProbeInterval}) reaches it")]
    private partial void LogOpened(int failures, string reason, double retryAfterSeconds, string probeInterval);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "database reachable again: circuit closed after {DownMilliseconds:F0} ms; {Rejected} store operations were refused while it was open")]
    private partial void LogClosed(double downMilliseconds, long rejected);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Debug, Message = "database probe failed: {Reason}; next probe in {ProbeInterval}")]
    private partial void LogProbeFailed(string reason, string probeInterval);

    private sealed record Outage(DateTimeOffset Since, string Reason);
}
