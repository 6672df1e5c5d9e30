using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Compozy.Data.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Testing;

/// <summary>
/// Records the measurements of one host's <c>Compozy.Data</c> meter. Tests run in parallel in one
/// process and every host has a meter of that name; listening by name alone would mix them.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string Tags)> _measurements = new();

    /// <summary>Starts recording the meter of <paramref name="services"/>.</summary>
    public MeterRecorder(IServiceProvider services)
    {
        var meter = services.GetRequiredService<CompozyDataMeter>().Meter;
        _listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Values recorded for <paramref name="instrument"/>, in order.</summary>
    public IReadOnlyList<double> Values(string instrument) =>
        _measurements.Where(measurement => measurement.Instrument == instrument).Select(measurement => measurement.Value).ToList();

    /// <summary>Sum of the values recorded for <paramref name="instrument"/> with exactly <paramref name="tags"/> (<c>k=v,k=v</c>, sorted), or any tags when null.</summary>
    public double Sum(string instrument, string? tags = null) =>
        _measurements.Where(measurement => measurement.Instrument == instrument && (tags is null || measurement.Tags == tags)).Sum(measurement => measurement.Value);

    /// <summary>How many values were recorded for <paramref name="instrument"/> with exactly <paramref name="tags"/> (<c>k=v,k=v</c>, sorted).</summary>
    public int Count(string instrument, string tags) =>
        _measurements.Count(measurement => measurement.Instrument == instrument && measurement.Tags == tags);

    /// <summary>Asks observable instruments (gauges) for their current values.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<string>();
        foreach (var tag in tags)
        {
            pairs.Add($"{tag.Key}={tag.Value}");
        }

        _measurements.Enqueue((instrument.Name, value, string.Join(',', pairs.Order(StringComparer.Ordinal))));
    }
}
