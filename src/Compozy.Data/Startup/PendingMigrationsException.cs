using Compozy.Data.Migrations;

namespace Compozy.Data.Startup;

/// <summary>
/// The database has migrations this build needs but <c>auto_migrate</c> is off, so the host
/// refuses to start rather than run against a schema it does not expect.
/// </summary>
public sealed class PendingMigrationsException : Exception
{
    /// <summary>Creates the exception for <paramref name="pending"/>.</summary>
    public PendingMigrationsException(IReadOnlyList<MigrationStatusEntry> pending)
        : base(
            $"the database has {pending.Count} pending migration{(pending.Count == 1 ? string.Empty : "s")} " +
            $"({string.Join(", ", pending.Select(migration => migration.Id))}) and auto_migrate is off; " +
            "apply them with `compozy migrate up` (with the same configuration), or start with database.auto_migrate: true")
    {
        Pending = pending;
    }

    /// <summary>Creates the exception.</summary>
    public PendingMigrationsException()
        : this([])
    {
    }

    /// <summary>Creates the exception.</summary>
    public PendingMigrationsException(string message)
        : base(message)
    {
        Pending = [];
    }

    /// <summary>Creates the exception.</summary>
    public PendingMigrationsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Pending = [];
    }

    /// <summary>The pending migrations.</summary>
    public IReadOnlyList<MigrationStatusEntry> Pending { get; }
}
