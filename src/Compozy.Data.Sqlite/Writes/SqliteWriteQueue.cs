using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Compozy.Data.Sqlite.Diagnostics;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// The writer's queue: bounded (callers wait to enqueue when it is full), read by one loop, and
/// measured (<c>compozy.data.sqlite.writer.queue_length</c> and <c>compozy.data.sqlite.writer.wait</c>).
/// It hands out work in the order it came, skips what was cancelled while it waited, and keeps an
/// exclusive job that turned up while a batch was being filled for the next turn.
/// </summary>
internal sealed class SqliteWriteQueue
{
    private readonly Channel<WriterItem> _channel;
    private readonly SqliteMetrics _metrics;
    private WriterItem? _deferred;

    public SqliteWriteQueue(int capacity, SqliteMetrics metrics)
    {
        _metrics = metrics;
        _channel = Channel.CreateBounded<WriterItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues <paramref name="item"/>, waiting while the queue is full.</summary>
    /// <exception cref="ObjectDisposedException">The queue was completed: the writer is closed.</exception>
    public async Task EnqueueAsync(WriterItem item, CancellationToken cancellationToken)
    {
        _metrics.WriterQueued();
        try
        {
            await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _metrics.WriterDequeued(TimeSpan.Zero);
            throw Closed();
        }
        catch (OperationCanceledException)
        {
            _metrics.WriterDequeued(TimeSpan.Zero);
            throw;
        }
    }

    /// <summary>
    /// Waits for the next item and claims it (<see cref="WriterItem.TryTake"/>); null once the queue
    /// was completed and everything in it was handed out.
    /// </summary>
    public async ValueTask<WriterItem?> TakeAsync()
    {
        var reader = _channel.Reader;
        while (true)
        {
            WriterItem item;
            if (_deferred is { } deferred)
            {
                (item, _deferred) = (deferred, null);
            }
            else if (reader.TryRead(out var read))
            {
                item = Dequeued(read);
            }
            else if (!await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return null;
            }
            else
            {
                continue;
            }

            if (item.TryTake())
            {
                return item;
            }

            // Cancelled while it waited; its caller has been answered.
        }
    }

    /// <summary>
    /// Claims the next waiting unit of work without waiting, for the batch being filled; false when
    /// none waits, or when an exclusive job comes next: it is kept for the next <see cref="TakeAsync"/>.
    /// </summary>
    public bool TryTakeUnit([NotNullWhen(true)] out UnitOfWork? unit)
    {
        while (_deferred is null && _channel.Reader.TryRead(out var read))
        {
            switch (Dequeued(read))
            {
                case UnitOfWork next when next.TryTake():
                    unit = next;
                    return true;
                case ExclusiveJob job:
                    _deferred = job;
                    break;
            }
        }

        unit = null;
        return false;
    }

    /// <summary>Stops taking items: later <see cref="EnqueueAsync"/> calls fail, and <see cref="TakeAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Fails every item still queued; for a close that stopped waiting for the loop.</summary>
    public void FailRemaining()
    {
        var closed = Closed();
        _deferred?.Fail(closed);
        _deferred = null;
        while (_channel.Reader.TryRead(out var left))
        {
            left.Fail(closed);
        }
    }

    private static ObjectDisposedException Closed() => new(nameof(SqliteDatabaseWriter), "the SQLite writer is closed");

    private WriterItem Dequeued(WriterItem item)
    {
        _metrics.WriterDequeued(Stopwatch.GetElapsedTime(item.EnqueuedAt));
        return item;
    }
}
