namespace Compozy.Data.Testing;

/// <summary>
/// A PostgreSQL server that a test may stop and start again, for faults that would disturb every
/// other test on the shared server.
/// </summary>
public interface IStoppablePostgresServer : IAsyncDisposable
{
    /// <summary>Where the server comes from, for a test's output.</summary>
    string Description { get; }

    /// <summary>An administrator connection string for the <c>postgres</c> database; it stays the same across a restart.</summary>
    string ConnectionString { get; }

    /// <summary>Stops the server with a fast shutdown (sessions ended, data kept), as an operator's restart does.</summary>
    Task StopAsync();

    /// <summary>Starts the stopped server again, at the same address, and returns once it accepts connections.</summary>
    Task StartAgainAsync();

    /// <summary>The server's log, for a failing test's message.</summary>
    Task<string> ReadLogAsync();
}
