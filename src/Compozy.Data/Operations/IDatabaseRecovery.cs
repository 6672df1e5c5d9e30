namespace Compozy.Data.Operations;

/// <summary>
/// Recovery from a damaged database for <c>compozy db recover</c> and, when the operator opted
/// in, for the start: the damaged files are kept aside untouched, the newest backup that passes
/// verification takes their place, and the report says which writes are lost (those made since
/// that backup). Nothing is salvaged from the damaged files into the restored database: a row
/// read from a damaged page cannot be proven right. SQLite implements it; PostgreSQL refuses with
/// <see cref="DatabaseOperationNotSupportedException"/>, whose message names the server's own
/// recovery.
/// </summary>
public interface IDatabaseRecovery
{
    /// <summary>
    /// Why this database is not recovered by this layer (a server database, an in-memory one), or
    /// <see langword="null"/> when <see cref="RecoverAsync"/> works.
    /// </summary>
    string? UnsupportedReason { get; }

    /// <summary>
    /// Checks the database with <c>integrity_check</c> and, when it is damaged, replaces it with
    /// the backup <see cref="DatabaseRecoveryRequest.BackupFile"/> or else the newest verified
    /// backup of the backup directory. The report names the backup, its time, the damaged files'
    /// last change and the newest <c>updated_at</c> still readable in them (the window of lost
    /// writes), and where the damaged files were moved. With <see cref="DatabaseRecoveryRequest.DryRun"/>
    /// it reports the same and changes nothing.
    /// </summary>
    /// <exception cref="DatabaseOperationNotSupportedException">This database is not recovered by this layer.</exception>
    /// <exception cref="DatabaseNotDamagedException">The database passed its check; nothing was changed.</exception>
    /// <exception cref="DatabaseInUseException">Another process has the database open; nothing was changed.</exception>
    /// <exception cref="DatabaseIntegrityException">No backup passed verification (the message names each one tried and why); nothing was changed.</exception>
    /// <exception cref="BackupInputException">The given backup file, or the database path, cannot be used; nothing was changed.</exception>
    Task<DatabaseReport> RecoverAsync(DatabaseRecoveryRequest request, CancellationToken cancellationToken);
}
