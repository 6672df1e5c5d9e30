namespace Compozy.Data.Health;

/// <summary>
/// A fault that made the database unusable while the host ran and that no retry can cure, such
/// as its file being deleted or replaced under the host. A provider reports it once; from then
/// on readiness is down with the reason, and <c>compozy start</c> exits with an error when it
/// stops instead of reporting a clean shutdown.
/// </summary>
public sealed class DatabaseFault
{
    private string? _reason;

    /// <summary>Why the database became unusable, or <see langword="null"/> while it is not.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>Records the fault; the first report stands. Returns whether this call recorded it.</summary>
    public bool Report(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Interlocked.CompareExchange(ref _reason, reason, null) is null;
    }
}
