using System.Diagnostics;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>One numbered write of a <see cref="NumberedWriteLoad"/>: when it ran and how it ended.</summary>
internal sealed record WriteOutcome(int Caller, int Seq, long StartedAt, long EndedAt, Exception? Error, bool Hung)
{
    /// <summary>Acknowledged: the writer returned without an error.</summary>
    public bool Acknowledged => Error is null && !Hung;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartedAt, EndedAt);
}
