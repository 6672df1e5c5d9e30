namespace Compozy.Data.Operations;

/// <summary>What <see cref="IDatabaseRecovery.RecoverAsync"/> is asked to do.</summary>
public sealed record DatabaseRecoveryRequest
{
    /// <summary>
    /// The backup to restore; it must pass the same verification as the ones found in the backup
    /// directory. <see langword="null"/> (the default): the newest backup of the backup directory
    /// that passes verification.
    /// </summary>
    public string? BackupFile { get; init; }

    /// <summary>Check the database and choose the backup, report what would be done, change nothing.</summary>
    public bool DryRun { get; init; }
}
