using System.Text.Json.Serialization;

namespace Compozy.Data.Entities;

/// <summary>
/// How a task executes. Stored as Compozy's lower-case strings (<c>basic</c>, <c>router</c>, ...).
/// The database enforces which of agent, action and tool a type may carry (see
/// <see cref="TaskState"/>).
/// </summary>
public enum ExecutionType
{
    /// <summary><c>basic</c>: runs an agent action, a tool, or nothing.</summary>
    [JsonStringEnumMemberName("basic")]
    Basic,

    /// <summary><c>router</c>: picks a branch; carries no agent, action or tool.</summary>
    [JsonStringEnumMemberName("router")]
    Router,

    /// <summary><c>parallel</c>: runs children concurrently.</summary>
    [JsonStringEnumMemberName("parallel")]
    Parallel,

    /// <summary><c>collection</c>: runs a child per item.</summary>
    [JsonStringEnumMemberName("collection")]
    Collection,

    /// <summary><c>composite</c>: runs children in sequence.</summary>
    [JsonStringEnumMemberName("composite")]
    Composite,

    /// <summary><c>wait</c>: waits for a signal.</summary>
    [JsonStringEnumMemberName("wait")]
    Wait,

    /// <summary><c>signal</c>: emits a signal.</summary>
    [JsonStringEnumMemberName("signal")]
    Signal,

    /// <summary><c>aggregate</c>: combines outputs.</summary>
    [JsonStringEnumMemberName("aggregate")]
    Aggregate,

    /// <summary><c>memory</c>: reads or writes agent memory.</summary>
    [JsonStringEnumMemberName("memory")]
    Memory,
}
