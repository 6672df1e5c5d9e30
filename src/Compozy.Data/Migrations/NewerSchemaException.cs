namespace Compozy.Data.Migrations;

/// <summary>
/// The database has migrations applied that this build does not know: a newer build migrated it.
/// This build refuses to run against or migrate a schema it does not understand; nothing was
/// changed.
/// </summary>
public sealed class NewerSchemaException : Exception
{
    /// <summary>Creates the exception for the <paramref name="unknown"/> migrations, newest last; <paramref name="lastKnown"/> is this build's newest applied one.</summary>
    public NewerSchemaException(IReadOnlyList<MigrationStatusEntry> unknown, string? lastKnown)
        : base(
            $"the database has {unknown.Count} migration{(unknown.Count == 1 ? string.Empty : "s")} this build does not know " +
            $"({string.Join(", ", unknown.Select(migration => migration.Id))}): a newer build of Compozy.Data applied " +
            $"{(unknown.Count == 1 ? "it" : "them")}, and this build does not run against a schema it does not understand. " +
            "Run the newer build" +
            (lastKnown is null ? string.Empty : $", or first revert to {lastKnown} with the newer build (`compozy migrate down --target {lastKnown}`)") +
            ". Nothing was changed.")
    {
        Unknown = unknown;
    }

    /// <summary>Creates the exception.</summary>
    public NewerSchemaException()
        : this([], null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NewerSchemaException(string message)
        : base(message)
    {
        Unknown = [];
    }

    /// <summary>Creates the exception.</summary>
    public NewerSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Unknown = [];
    }

    /// <summary>The applied migrations this build does not know, in id order.</summary>
    public IReadOnlyList<MigrationStatusEntry> Unknown { get; } = [];

    /// <summary>Throws when <paramref name="status"/> lists applied migrations this build does not know.</summary>
    /// <exception cref="NewerSchemaException">It does.</exception>
    public static void ThrowIfAny(MigrationStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        // The hand-written migrations the baseline replaced are old, not new: the runner records
        // or refuses them itself (LegacyMigrationHistory).
        var unknown = status.Unknown.Where(migration => !LegacyMigrationHistory.Ids.Contains(migration.Id)).ToList();
        if (unknown.Count > 0)
        {
            throw new NewerSchemaException(unknown, status.Applied.LastOrDefault(migration => migration.IsKnown)?.Id);
        }
    }
}
