using System.Diagnostics.Metrics;
using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Compozy.Data.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compozy.Data.Diagnostics;

/// <summary>
/// Measures every store operation: a histogram per operation, provider and outcome on the
/// <c>Compozy.Data</c> meter, and a warning for one that took at least
/// <c>database.slow_operation_threshold</c>. The log names the operation and the shape of its
/// parameters (a count, a page size), never their values, which may hold a user's data.
/// </summary>
internal sealed partial class StoreOperationTimings
{
    /// <summary>The histogram's name.</summary>
    public const string DurationInstrument = "compozy.data.store.operation.duration";

    private readonly Histogram<double> _duration;
    private readonly string _provider;
    private readonly IOptionsMonitor<CompozyDataOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<StoreOperationTimings> _logger;

    public StoreOperationTimings(
        CompozyDataMeter meter, IConfiguredDatabaseProvider provider, IOptionsMonitor<CompozyDataOptions> options, TimeProvider clock, ILogger<StoreOperationTimings> logger)
    {
        _duration = meter.Meter.CreateHistogram<double>(DurationInstrument, "ms", "Duration of each store operation, by operation, provider (db.system) and outcome (ok, cancelled, or the error kind).");
        _provider = provider.Driver;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>
    /// Runs <paramref name="run"/> as <paramref name="operation"/> (a fixed name: it is a metric
    /// dimension) and records how long it took and how it ended.
    /// </summary>
    public async Task<T> MeasureAsync<T>(string operation, string? shape, Func<Task<T>> run)
    {
        var started = _clock.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch (CompozyDataException exception)
        {
            outcome = exception.Kind.ToString();
            throw;
        }
        catch (VectorStoreException exception)
        {
            outcome = exception.Kind.ToString();
            throw;
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            var elapsed = _clock.GetElapsedTime(started);
            _duration.Record(
                elapsed.TotalMilliseconds,
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("db.system", _provider),
                new KeyValuePair<string, object?>("outcome", outcome));
            // Read per operation: database.slow_operation_threshold changes while the host runs.
            var slowThreshold = _options.CurrentValue.Database.SlowOperationThreshold;
            if (elapsed >= slowThreshold)
            {
                LogSlow(operation, shape ?? "-", _provider, elapsed.TotalMilliseconds, outcome, slowThreshold.TotalMilliseconds);
            }
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "slow store operation: {Operation} ({Shape}) on {Provider} took {ElapsedMilliseconds:F0} ms, outcome {Outcome}; database.slow_operation_threshold is {ThresholdMilliseconds:F0} ms")]
    private partial void LogSlow(string operation, string shape, string provider, double elapsedMilliseconds, string outcome, double thresholdMilliseconds);
}
