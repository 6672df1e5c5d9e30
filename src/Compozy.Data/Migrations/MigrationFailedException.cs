namespace Compozy.Data.Migrations;

/// <summary>
/// A migration failed. Its transaction was rolled back, so the database is at the last migration
/// that completed; <see cref="MigrationId"/> names the one that failed.
/// </summary>
public sealed class MigrationFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationFailedException(string? migrationId, string message, Exception? innerException)
        : base(message, innerException)
    {
        MigrationId = migrationId;
    }

    /// <summary>Creates the exception.</summary>
    public MigrationFailedException()
        : this(null, "a migration failed", null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MigrationFailedException(string message)
        : this(null, message, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MigrationFailedException(string message, Exception innerException)
        : this(null, message, innerException)
    {
    }

    /// <summary>The migration that failed, when known.</summary>
    public string? MigrationId { get; }
}
