using System.Diagnostics;
using System.Diagnostics.Metrics;
using Compozy.Data.Diagnostics;

namespace Compozy.Data.Sqlite.Diagnostics;

/// <summary>
/// The SQLite instruments on the <c>Compozy.Data</c> meter: WAL size, checkpoints (count,
/// duration, pages, result), SQLITE_BUSY errors seen, and the writer's queue.
/// </summary>
public sealed class SqliteMetrics
{
    private readonly Counter<long> _checkpoints;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _checkpointPages;
    private readonly Counter<long> _busyErrors;
    private readonly Histogram<double> _writerWait;
    private readonly Histogram<long> _batchSize;
    private int _writerQueueLength;
    private Func<long>? _walSize;

    /// <summary>Creates the instruments.</summary>
    public SqliteMetrics(CompozyDataMeter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var m = meter.Meter;
        _checkpoints = m.CreateCounter<long>("compozy.data.sqlite.checkpoints", "{checkpoint}", "Checkpoints run on the writer, by mode (passive, truncate) and result (ok, busy, error).");
        _checkpointDuration = m.CreateHistogram<double>("compozy.data.sqlite.checkpoint.duration", "ms", "Duration of each checkpoint.");
        _checkpointPages = m.CreateCounter<long>("compozy.data.sqlite.checkpoint.pages", "{page}", "Pages copied from the WAL into the database file.");
        _busyErrors = m.CreateCounter<long>("compozy.data.sqlite.busy", "{error}", "SQLITE_BUSY or SQLITE_LOCKED errors that reached the layer (a lock held past busy_timeout).");
        _writerWait = m.CreateHistogram<double>("compozy.data.sqlite.writer.wait", "ms", "Time a write waited in the writer's queue before it ran.");
        _batchSize = m.CreateHistogram<long>("compozy.data.sqlite.writer.batch_size", "{write}", "Writes committed together in one transaction (group commit).");
        m.CreateObservableGauge("compozy.data.sqlite.writer.queue_length", () => Volatile.Read(ref _writerQueueLength), "{write}", "Writes waiting for the writer connection.");
        m.CreateObservableGauge("compozy.data.sqlite.wal.size", () => _walSize?.Invoke() ?? 0L, "By", "Size of the -wal file.");
    }

    /// <summary>Tells the WAL size gauge where to look.</summary>
    public void ObserveWalSize(Func<long> walSize) => _walSize = walSize;

    /// <summary>Records one checkpoint.</summary>
    public void RecordCheckpoint(string mode, string result, TimeSpan duration, long pages)
    {
        var tags = new TagList { { "mode", mode }, { "result", result } };
        _checkpoints.Add(1, tags);
        _checkpointDuration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("mode", mode));
        if (pages > 0)
        {
            _checkpointPages.Add(pages);
        }
    }

    /// <summary>Records a busy or locked error.</summary>
    public void RecordBusy() => _busyErrors.Add(1);

    /// <summary>Records a committed batch of <paramref name="writes"/> writes.</summary>
    public void RecordBatch(int writes) => _batchSize.Record(writes);

    /// <summary>A write started waiting for its turn.</summary>
    public void WriterQueued() => Interlocked.Increment(ref _writerQueueLength);

    /// <summary>A write got its turn after <paramref name="waited"/>.</summary>
    public void WriterDequeued(TimeSpan waited)
    {
        Interlocked.Decrement(ref _writerQueueLength);
        _writerWait.Record(waited.TotalMilliseconds);
    }
}
