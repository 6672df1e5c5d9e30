namespace Compozy.Data.Operations;

/// <summary>
/// The operation does not apply to the configured database; the message says what does
/// (for PostgreSQL backups, the server's own tools). Nothing was touched.
/// </summary>
public sealed class DatabaseOperationNotSupportedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseOperationNotSupportedException()
        : this("this operation does not apply to the configured database")
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseOperationNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseOperationNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
