namespace Compozy.Data.Operations;

/// <summary>
/// Online backup and restore for <c>compozy db backup|restore</c>, scheduled backups and the
/// backup <c>migrate up</c> takes first. Each provider answers for its own database: SQLite copies
/// its file online and verifies the copy; PostgreSQL refuses with
/// <see cref="DatabaseOperationNotSupportedException"/>, whose message says which server tools
/// do the job.
/// </summary>
public interface IDatabaseBackup
{
    /// <summary>
    /// Why this database cannot be backed up by this layer (a server database, an in-memory
    /// one), or <see langword="null"/> when <see cref="BackupAsync"/> works.
    /// </summary>
    string? UnsupportedReason { get; }

    /// <summary>
    /// Whether the database holds anything to back up: a table besides the migration history. A
    /// new database does not; one whose history was lost, or whose first migration failed half
    /// way outside a transaction, may, and is worth a copy before migrations touch it.
    /// </summary>
    Task<bool> HoldsDataAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a consistent copy of the database as it is at one moment, while writers go on,
    /// checks it, and only then gives it its final name. The report names the file
    /// (<c>path</c>), its size (<c>bytes</c>), the check (<c>integrity</c>) and the duration.
    /// </summary>
    /// <exception cref="DatabaseOperationNotSupportedException">This database is not backed up by this layer.</exception>
    /// <exception cref="BackupInputException">The destination cannot be used; nothing was written.</exception>
    /// <exception cref="DatabaseIntegrityException">The copy failed its check; it was deleted.</exception>
    Task<DatabaseReport> BackupAsync(DatabaseBackupRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the database with the backup <paramref name="backupFile"/> once it passed its
    /// checks, while no process uses the database. The replaced database is kept under a new name
    /// (in the report as <c>replaced</c>) unless <paramref name="keepReplaced"/> is false.
    /// </summary>
    /// <exception cref="DatabaseOperationNotSupportedException">This database is not restored by this layer.</exception>
    /// <exception cref="BackupInputException">The backup file cannot be used; nothing was changed.</exception>
    /// <exception cref="DatabaseIntegrityException">The backup failed its check; nothing was changed.</exception>
    /// <exception cref="DatabaseInUseException">Another process has the database open; nothing was changed.</exception>
    Task<DatabaseReport> RestoreAsync(string backupFile, bool keepReplaced, CancellationToken cancellationToken);
}
