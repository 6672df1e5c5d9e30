namespace Compozy.Data.Operations;

/// <summary>
/// <c>compozy db recover</c> found the database sound: it passed <c>integrity_check</c>, so there
/// is nothing to recover from, and nothing was changed. To go back to a backup anyway, restore it
/// (<c>compozy db restore</c>), which keeps the replaced database.
/// </summary>
public sealed class DatabaseNotDamagedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseNotDamagedException()
        : this("the database passed its integrity check; nothing was changed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseNotDamagedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseNotDamagedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
