namespace Compozy.Data.Operations;

/// <summary>
/// Retention for <c>compozy db prune</c> and scheduled pruning in <c>compozy start</c>: deletes
/// finished workflow executions older than an age, with their tasks and LLM usage rows, then
/// returns the space through the provider's incremental maintenance.
/// </summary>
public interface IDatabasePrune
{
    /// <summary>
    /// Deletes (or, with <see cref="PruneRequest.DryRun"/>, counts) the workflow executions the
    /// request matches, their task executions and the usage rows of both, in batches of
    /// <see cref="PruneRequest.BatchSize"/> executions, each its own short write transaction
    /// through <see cref="Writes.IDatabaseWriter"/>. When anything was deleted it then runs
    /// <see cref="IDatabaseMaintenance.RunAsync"/> without <c>full</c> (SQLite: incremental
    /// vacuum in short steps and a TRUNCATE checkpoint; PostgreSQL: <c>VACUUM (ANALYZE)</c>).
    /// The report names the cutoff, the rows deleted (<c>workflows</c>, <c>tasks</c>,
    /// <c>usage_rows</c>), the <c>batches</c>, the maintenance's facts (pages and bytes before
    /// and after) and the duration. Cancellation stops between or inside a batch; batches
    /// already committed stay deleted, the one in progress is rolled back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The request is out of bounds (see <see cref="PruneRequest.Validate"/>); nothing was touched.</exception>
    Task<DatabaseReport> PruneAsync(PruneRequest request, CancellationToken cancellationToken);
}
