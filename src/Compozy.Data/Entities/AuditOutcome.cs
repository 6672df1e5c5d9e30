using System.Text.Json.Serialization;

namespace Compozy.Data.Entities;

/// <summary>How an audited action ended. Stored as <c>succeeded</c>, <c>failed</c> or <c>refused</c>.</summary>
public enum AuditOutcome
{
    /// <summary><c>succeeded</c>: the action did what was asked.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary><c>failed</c>: the action was attempted and did not complete (the database was away, an error).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary><c>refused</c>: the action was not allowed or not valid (a second bootstrap, an unknown user, bad input).</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,
}
