using Compozy.Data.Testing;
using DotNet.Testcontainers.Builders;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// Starts an <see cref="IReplicatedPostgresPair"/> from the same source as the fault tests' own
/// server (<see cref="DedicatedPostgresServer"/>): two containers on a network of their own when a
/// container engine answers, two servers from Debian's packages only where none does and the suite
/// runs on an existing server. Anything else fails, never skips.
/// </summary>
internal static class ReplicatedPostgresPair
{
    /// <summary>Starts the primary, then its standby, and returns once both accept connections.</summary>
    public static async Task<IReplicatedPostgresPair> StartAsync()
    {
        try
        {
            return await ContainerReplicatedPostgresPair.StartAsync();
        }
        catch (DockerUnavailableException) when (PostgresServer.UsesExistingServer)
        {
            return await ThrowawayReplicatedPostgresPair.StartAsync();
        }
        catch (DockerUnavailableException exception)
        {
            throw new InvalidOperationException(
                $"{PostgresServer.EnvironmentVariable} is not set, so the failover test's primary and standby are Testcontainers " +
                $"containers, but no container engine answers ({exception.Message}). Run the suite with scripts/test.sh, which " +
                "prepares one or falls back to PostgreSQL from Debian's packages.",
                exception);
        }
    }
}
