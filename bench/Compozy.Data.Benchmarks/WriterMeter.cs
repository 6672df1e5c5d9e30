using System.Diagnostics.Metrics;
using Compozy.Data.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Listens to one host's <c>Compozy.Data</c> meter (by instance: every host has a meter of that
/// name) for what the SQLite writer reports: the size of each committed batch, the time each
/// write waited in the queue, and SQLITE_BUSY errors. Only one scenario of a host runs at a time,
/// so what arrives between <see cref="Reset"/> and <see cref="Take"/> belongs to that window.
/// </summary>
internal sealed class WriterMeter : IDisposable
{
    private const string BatchSize = "compozy.data.sqlite.writer.batch_size";
    private const string QueueWait = "compozy.data.sqlite.writer.wait";
    private const string Busy = "compozy.data.sqlite.busy";
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<long> _batches = [];
    private List<double> _waits = [];
    private long _busy;

    public WriterMeter(IServiceProvider services)
    {
        var meter = services.GetRequiredService<CompozyDataMeter>().Meter;
        _listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name is BatchSize or QueueWait or Busy)
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_gate)
            {
                if (instrument.Name == BatchSize)
                {
                    _batches.Add(value);
                }
                else
                {
                    _busy += value;
                }
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_gate)
            {
                _waits.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>Forgets what was recorded so far (warm-up, other scenarios).</summary>
    public void Reset() => Take();

    /// <summary>What was recorded since the last call, and starts afresh.</summary>
    public (List<long> Batches, List<double> QueueWaitsMs, long Busy) Take()
    {
        lock (_gate)
        {
            var taken = (_batches, _waits, _busy);
            _batches = [];
            _waits = [];
            _busy = 0;
            return taken;
        }
    }

    public void Dispose() => _listener.Dispose();
}
