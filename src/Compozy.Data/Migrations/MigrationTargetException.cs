namespace Compozy.Data.Migrations;

/// <summary>A requested migration target is unknown, or lies in the wrong direction; nothing was changed.</summary>
public sealed class MigrationTargetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationTargetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MigrationTargetException()
        : this("invalid migration target")
    {
    }

    /// <summary>Creates the exception.</summary>
    public MigrationTargetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
