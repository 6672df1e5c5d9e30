namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A PostgreSQL primary and its streaming standby, servers of a failover test's own: the test
/// crashes the primary and promotes the standby, which no other test may see.
/// </summary>
internal interface IReplicatedPostgresPair : IAsyncDisposable
{
    /// <summary>Where the servers come from, for a test's output.</summary>
    string Description { get; }

    /// <summary>An administrator connection string for the primary's <c>postgres</c> database.</summary>
    string PrimaryConnectionString { get; }

    /// <summary>An administrator connection string for the standby's <c>postgres</c> database (same user and password).</summary>
    string StandbyConnectionString { get; }

    /// <summary>
    /// Stops the primary with an immediate shutdown, as a primary that dies: no checkpoint, no
    /// further WAL sent to the standby, sessions cut without a reply. Returns once it is asked to
    /// stop; the caller waits for its port to refuse connections.
    /// </summary>
    Task CrashPrimaryAsync();

    /// <summary>Both servers' logs, for a failing test's message.</summary>
    Task<string> ReadLogsAsync();
}
