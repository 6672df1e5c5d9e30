namespace Compozy.Data.Operations;

/// <summary>Online maintenance for <c>compozy db maintenance</c>.</summary>
public interface IDatabaseMaintenance
{
    /// <summary>
    /// Reclaims free space and refreshes planner statistics without blocking writers for long.
    /// <paramref name="full"/> asks for the provider's full rewrite (SQLite <c>VACUUM</c>,
    /// PostgreSQL <c>VACUUM FULL</c>), which blocks writes while it runs. Cancellation stops the
    /// current step and leaves the database consistent.
    /// </summary>
    Task<DatabaseReport> RunAsync(bool full, CancellationToken cancellationToken);
}
