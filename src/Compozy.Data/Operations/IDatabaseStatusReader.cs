namespace Compozy.Data.Operations;

/// <summary>Reads a provider's view of its database for <c>compozy db status</c>. Reads only.</summary>
public interface IDatabaseStatusReader
{
    /// <summary>
    /// Reads the status. <paramref name="integrityCheck"/> (<c>quick</c> or <c>full</c>) adds an
    /// integrity check where the provider has one. Safe against a database a running host is
    /// using: it never writes, checkpoints or locks it.
    /// </summary>
    Task<DatabaseReport> ReadAsync(string? integrityCheck, CancellationToken cancellationToken);
}
