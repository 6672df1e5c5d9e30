namespace Compozy.Data.Operations;

/// <summary>
/// Another process (a host, <c>migrate</c>, <c>db maintenance</c>) has the database open, so it
/// may not be replaced now. The message names the database and how to stop its user. Nothing
/// was changed.
/// </summary>
public sealed class DatabaseInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseInUseException()
        : this("another process has the database open")
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
