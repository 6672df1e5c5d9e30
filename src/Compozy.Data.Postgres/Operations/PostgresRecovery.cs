using Compozy.Data.Operations;

namespace Compozy.Data.Postgres.Operations;

/// <summary>
/// <c>compozy db recover</c> on PostgreSQL: refused with what does it. The server owns its files
/// and repairs them from its WAL at every start; damage beyond that is recovered with the
/// server's own tools (point-in-time recovery from a base backup and archived WAL, or
/// <c>pg_restore</c> of a <c>pg_dump</c>), which know the whole cluster this layer only connects to.
/// </summary>
internal sealed class PostgresRecovery : IDatabaseRecovery
{
    private const string Advice =
        "compozy db recover applies to SQLite files only: a PostgreSQL server recovers its own files from its WAL at every start, " +
        "and damage beyond that is recovered with the server's tools: point-in-time recovery (restore a pg_basebackup and replay the archived WAL up to a recovery_target_time), " +
        "or pg_restore --clean --if-exists of a pg_dump into the database with every host stopped (docs/database/postgresql.md, Backup). Nothing was done";

    public string? UnsupportedReason => Advice;

    public Task<DatabaseReport> RecoverAsync(DatabaseRecoveryRequest request, CancellationToken cancellationToken) =>
        throw new DatabaseOperationNotSupportedException(Advice);
}
