namespace Compozy.Data.Operations;

/// <summary>
/// The database failed its integrity check. Nothing was written to it: it is as it was found,
/// for an operator to restore or salvage.
/// </summary>
public sealed class DatabaseIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseIntegrityException(string message, IReadOnlyList<string> problems)
        : base(message)
    {
        Problems = problems;
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseIntegrityException()
        : this("the database failed its integrity check", [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseIntegrityException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>The first problems the check reported.</summary>
    public IReadOnlyList<string> Problems { get; }
}
