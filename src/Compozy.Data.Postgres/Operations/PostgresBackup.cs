using Compozy.Data.Operations;
using Compozy.Data.Postgres.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compozy.Data.Postgres.Operations;

/// <summary>
/// <c>compozy db backup|restore</c> on PostgreSQL: refused with the commands that do it. A
/// PostgreSQL database is backed up by the server's tools, which know its roles, extensions,
/// tablespaces and WAL: <c>pg_dump</c>/<c>pg_restore</c> for a logical copy of one database,
/// <c>pg_basebackup</c> with WAL archiving for point-in-time recovery of the whole server. This
/// layer does not drive them: their versions must match the server's, and the operator's
/// scheduler and storage (or the managed service's snapshots) already run them.
/// </summary>
internal sealed class PostgresBackup(IOptions<PostgresOptions> options) : IDatabaseBackup
{
    public string? UnsupportedReason => Advice();

    public Task<bool> HoldsDataAsync(CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<DatabaseReport> BackupAsync(DatabaseBackupRequest request, CancellationToken cancellationToken) =>
        throw new DatabaseOperationNotSupportedException(Advice());

    public Task<DatabaseReport> RestoreAsync(string backupFile, bool keepReplaced, CancellationToken cancellationToken) =>
        throw new DatabaseOperationNotSupportedException(Advice());

    private string Advice()
    {
        // Host, port, database and user only: never the password.
        var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        var target = $"--host={builder.Host} --port={builder.Port} --username={builder.Username} --dbname={builder.Database}";
        return "backup and restore of a PostgreSQL database are done with the server's tools, not by compozy: " +
            $"pg_dump --format=custom --file=compozy.dump {target} for a logical copy (restore it with pg_restore --clean --if-exists {target} compozy.dump, hosts stopped), " +
            "or pg_basebackup with WAL archiving for point-in-time recovery of the whole server. Nothing was done";
    }
}
