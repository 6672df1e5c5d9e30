using System.Diagnostics;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>
/// One request waiting for the writer: a <see cref="UnitOfWork"/> to batch, or an
/// <see cref="ExclusiveJob"/> that runs alone. Which of the two it is, is its type; nothing else
/// says it.
/// </summary>
internal abstract class WriterItem(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    private const int Queued = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private int _state = Queued;

    public abstract void Fail(Exception exception);

    public abstract void Cancel();

    /// <summary>
    /// Answers the caller as cancelled the moment its token fires while the item still waits in the
    /// queue: a caller (shutdown's maintenance, a request whose client left) must not wait behind a
    /// long job only to learn that. Once the writer took it, cancellation is the work's to observe.
    /// </summary>
    public CancellationTokenRegistration CancelWhileQueued() =>
        CancellationToken.Register(static item => ((WriterItem)item!).Abandon(), this);

    /// <summary>Claims the item for the writer; false when it was cancelled while queued and must not run.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    private void Abandon()
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued)
        {
            Cancel();
        }
    }
}
