using System.Diagnostics;

namespace Compozy.Data.Sqlite.Writes;

/// <summary>One request waiting for the writer: a unit of work to batch, or an exclusive job.</summary>
internal abstract class WriterItem(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>Whether it must run alone, outside any batch transaction.</summary>
    public abstract bool IsExclusive { get; }

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}
