using System.Text.Json.Serialization;

namespace Compozy.Data.Entities;

/// <summary>
/// Lifecycle status of a workflow or task execution. Stored as Compozy's upper-case strings
/// (<c>PENDING</c>, <c>RUNNING</c>, ...), so rows stay readable and compatible with Compozy.
/// </summary>
public enum ExecutionStatus
{
    /// <summary><c>PENDING</c>: accepted, not started.</summary>
    [JsonStringEnumMemberName("PENDING")]
    Pending,

    /// <summary><c>RUNNING</c>: in progress.</summary>
    [JsonStringEnumMemberName("RUNNING")]
    Running,

    /// <summary><c>SUCCESS</c>: finished successfully.</summary>
    [JsonStringEnumMemberName("SUCCESS")]
    Success,

    /// <summary><c>FAILED</c>: finished with an error.</summary>
    [JsonStringEnumMemberName("FAILED")]
    Failed,

    /// <summary><c>TIMED_OUT</c>: stopped after its deadline.</summary>
    [JsonStringEnumMemberName("TIMED_OUT")]
    TimedOut,

    /// <summary><c>CANCELED</c>: stopped on request.</summary>
    [JsonStringEnumMemberName("CANCELED")]
    Canceled,

    /// <summary><c>WAITING</c>: blocked on a signal or a child.</summary>
    [JsonStringEnumMemberName("WAITING")]
    Waiting,

    /// <summary><c>PAUSED</c>: suspended by an operator.</summary>
    [JsonStringEnumMemberName("PAUSED")]
    Paused,
}
