using System.Diagnostics;
using System.Diagnostics.Metrics;
using Compozy.Data.Diagnostics;

namespace Compozy.Data.Sqlite.Diagnostics;

/// <summary>
/// The SQLite instruments on the <c>Compozy.Data</c> meter: WAL size, checkpoints (count,
/// duration, pages, result), SQLITE_BUSY errors seen, the writer's queue, backups (count by
/// result, age of the last good one), and periodic integrity checks (count by result, duration).
/// </summary>
internal sealed class SqliteMetrics
{
    private readonly Counter<long> _checkpoints;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _checkpointPages;
    private readonly Counter<long> _busyErrors;
    private readonly Histogram<double> _writerWait;
    private readonly Histogram<long> _batchSize;
    private readonly Counter<long> _backups;
    private readonly Counter<long> _integrityChecks;
    private readonly Histogram<double> _integrityCheckDuration;
    private long _lastGoodBackupTicks;
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
        _backups = m.CreateCounter<long>("compozy.data.sqlite.backups", "{backup}", "Backups written by this process, by result (ok: checked and renamed into place; failed).");
        _integrityChecks = m.CreateCounter<long>("compozy.data.sqlite.integrity_checks", "{check}", "Periodic quick_checks run while the host serves, by result (ok, damaged, error: the check could not run).");
        _integrityCheckDuration = m.CreateHistogram<double>("compozy.data.sqlite.integrity_check.duration", "ms", "Duration of each periodic quick_check.");
        m.CreateObservableGauge("compozy.data.sqlite.backup.age", ObserveBackupAge, "s", "Seconds since the last good backup (written and checked); absent until one is known.");
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

    /// <summary>Records a backup that ended at <paramref name="at"/>; a good one resets the age gauge.</summary>
    public void RecordBackup(bool succeeded, DateTimeOffset at)
    {
        _backups.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));
        if (succeeded)
        {
            ObserveLastGoodBackup(at);
        }
    }

    /// <summary>Sets the time of the last good backup when <paramref name="at"/> is later than the one known (a backup found at start).</summary>
    public void ObserveLastGoodBackup(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var known = Interlocked.Read(ref _lastGoodBackupTicks);
        while (ticks > known)
        {
            var seen = Interlocked.CompareExchange(ref _lastGoodBackupTicks, ticks, known);
            if (seen == known)
            {
                return;
            }

            known = seen;
        }
    }

    /// <summary>Records one periodic integrity check and its <paramref name="result"/> (ok, damaged, error).</summary>
    public void RecordIntegrityCheck(string result, TimeSpan duration)
    {
        _integrityChecks.Add(1, new KeyValuePair<string, object?>("result", result));
        _integrityCheckDuration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("result", result));
    }

    /// <summary>Records a busy or locked error.</summary>
    public void RecordBusy() => _busyErrors.Add(1);

    /// <summary>Records a committed batch of <paramref name="writes"/> writes.</summary>
    public void RecordBatch(int writes) => _batchSize.Record(writes);

    private IEnumerable<Measurement<double>> ObserveBackupAge()
    {
        var ticks = Interlocked.Read(ref _lastGoodBackupTicks);
        return ticks == 0
            ? []
            : [new Measurement<double>(Math.Max(0, (DateTimeOffset.UtcNow.UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond))];
    }

    /// <summary>A write started waiting for its turn.</summary>
    public void WriterQueued() => Interlocked.Increment(ref _writerQueueLength);

    /// <summary>A write got its turn after <paramref name="waited"/>.</summary>
    public void WriterDequeued(TimeSpan waited)
    {
        Interlocked.Decrement(ref _writerQueueLength);
        _writerWait.Record(waited.TotalMilliseconds);
    }
}
