namespace Compozy.Data.Audit;

/// <summary>How <see cref="Entities.AuditEvent.Actor"/> names who acted.</summary>
public static class AuditActors
{
    /// <summary>The host's own schedules (scheduled prunes and backups).</summary>
    public const string System = "system";

    /// <summary>An API caller: <c>user:{id} ({email})</c>.</summary>
    public static string ForUser(string userId, string email) => $"user:{userId} ({email})";

    /// <summary>The CLI, as the operating-system user who ran it: <c>cli:{name}</c>.</summary>
    public static string ForCli() => $"cli:{Environment.UserName}";
}
