namespace Compozy.Data.Configuration;

/// <summary>The database circuit (<c>database.circuit.*</c>): see <see cref="Health.DatabaseCircuit"/>.</summary>
public sealed class DatabaseCircuitOptions
{
    /// <summary>Consecutive connection failures that open the circuit (default 3).</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>How often the background probe tries the database while the circuit is open (default 2 s).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(2);
}
