namespace Compozy.Data.Operations;

/// <summary>
/// The file or directory given to a backup or a restore cannot be used (a destination that
/// exists, a directory that cannot be written, a backup that is not a Compozy database); the
/// message names it and what is allowed. Nothing was written.
/// </summary>
public sealed class BackupInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackupInputException()
        : this("the backup file or directory cannot be used")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackupInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackupInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
