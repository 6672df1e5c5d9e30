namespace Compozy.Data.Operations;

/// <summary>Reads a provider's view of its database for <c>compozy db status</c>. Reads only.</summary>
public interface IDatabaseStatusReader
{
    /// <summary>
    /// Reads the status, with an integrity check of <paramref name="check"/>'s thoroughness where
    /// the provider has one. Safe against a database a running host is using: it never writes,
    /// checkpoints or locks it. Damage is reported (<see cref="DatabaseStatus.IntegrityOk"/>), not thrown.
    /// </summary>
    Task<DatabaseStatus> ReadAsync(IntegrityCheck check, CancellationToken cancellationToken);
}
