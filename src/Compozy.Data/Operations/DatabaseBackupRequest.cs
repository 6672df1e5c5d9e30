namespace Compozy.Data.Operations;

/// <summary>What <see cref="IDatabaseBackup.BackupAsync"/> is asked to write.</summary>
public sealed record DatabaseBackupRequest
{
    /// <summary>
    /// A file that must not exist yet, or a directory (existing, or written with a trailing
    /// separator) to write a new, time-stamped file into; <see langword="null"/> for the
    /// provider's backup directory.
    /// </summary>
    public string? Destination { get; init; }

    /// <summary>
    /// The word in the name of a time-stamped file: <c>backup</c> (the default; scheduled backups
    /// rotate these) or another word, such as <c>pre-migrate</c>, for copies that rotation keeps.
    /// </summary>
    public string Label { get; init; } = "backup";

    /// <summary>Receives the bytes written so far and the expected total, about once a second.</summary>
    public IProgress<DatabaseBackupProgress>? Progress { get; init; }
}
