namespace Compozy.Data.Audit;

/// <summary>
/// The fixed vocabulary of <see cref="Entities.AuditEvent.Action"/>: what the API and the CLI
/// record. A team's own code may record further actions; these are the ones Compozy writes.
/// </summary>
public static class AuditActions
{
    /// <summary>A user was created (<c>POST /api/v0/users</c>).</summary>
    public const string UserCreated = "user.created";

    /// <summary>A user's email or role was changed.</summary>
    public const string UserUpdated = "user.updated";

    /// <summary>A user was deleted, with every key of the user.</summary>
    public const string UserDeleted = "user.deleted";

    /// <summary>An API key was issued.</summary>
    public const string ApiKeyCreated = "api_key.created";

    /// <summary>An API key was deleted (revoked).</summary>
    public const string ApiKeyDeleted = "api_key.deleted";

    /// <summary>The first admin and its key were created (<c>compozy auth bootstrap</c>).</summary>
    public const string AuthBootstrap = "auth.bootstrap";

    /// <summary><c>compozy migrate up</c>.</summary>
    public const string MigrationApplied = "migration.applied";

    /// <summary><c>compozy migrate down</c>.</summary>
    public const string MigrationReverted = "migration.reverted";

    /// <summary><c>compozy db backup</c>.</summary>
    public const string DatabaseBackup = "database.backup";

    /// <summary><c>compozy db restore</c>.</summary>
    public const string DatabaseRestore = "database.restore";

    /// <summary><c>compozy db recover</c>, and <c>compozy start</c> recovering a damaged database when <c>database.sqlite.recover_on_start</c> allows it.</summary>
    public const string DatabaseRecover = "database.recover";

    /// <summary><c>compozy db prune</c> or a scheduled prune.</summary>
    public const string DatabasePrune = "database.prune";

    /// <summary><c>compozy db maintenance</c>.</summary>
    public const string DatabaseMaintenance = "database.maintenance";

    /// <summary><c>compozy db import</c>.</summary>
    public const string DatabaseImport = "database.import";

    /// <summary>Every action Compozy records, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        UserCreated, UserUpdated, UserDeleted, ApiKeyCreated, ApiKeyDeleted, AuthBootstrap, MigrationApplied, MigrationReverted,
        DatabaseBackup, DatabaseRestore, DatabaseRecover, DatabasePrune, DatabaseMaintenance, DatabaseImport,
    ];
}
