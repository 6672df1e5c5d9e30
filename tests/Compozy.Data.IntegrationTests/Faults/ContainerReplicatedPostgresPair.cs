using Compozy.Data.Testing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// A primary and a standby in two containers from the project's image, on a Docker network of
/// their own so that the standby reaches the primary by name. The standby's container copies the
/// primary with <c>pg_basebackup -R</c> before its server starts, then runs the image's entry point.
/// </summary>
internal sealed class ContainerReplicatedPostgresPair : IReplicatedPostgresPair
{
    private const string PrimaryAlias = "primary";

    /// <summary>
    /// Runs in the standby's container in place of the image's entry point; the arguments the
    /// image would get follow it. The password comes from the image's own variable.
    /// </summary>
    private const string StandbyEntryPoint =
        "set -e; PGPASSWORD=\"$POSTGRES_PASSWORD\" pg_basebackup --host=" + PrimaryAlias +
        " --username=\"${POSTGRES_USER:-postgres}\" --pgdata=\"$PGDATA\" --write-recovery-conf --wal-method=stream --checkpoint=fast; " +
        "exec docker-entrypoint.sh \"$@\"";

    private readonly INetwork _network;
    private readonly PostgresTestContainer _primary;
    private readonly PostgresTestContainer _standby;

    private ContainerReplicatedPostgresPair(INetwork network, PostgresTestContainer primary, PostgresTestContainer standby)
    {
        _network = network;
        _primary = primary;
        _standby = standby;

        // Read now: a stopped container has no mapped port to ask for.
        PrimaryConnectionString = primary.ConnectionString;
        StandbyConnectionString = standby.ConnectionString;
    }

    /// <inheritdoc />
    public string Description => $"two containers on a network of their own: primary {_primary.Description}, standby from pg_basebackup";

    /// <inheritdoc />
    public string PrimaryConnectionString { get; }

    /// <inheritdoc />
    public string StandbyConnectionString { get; }

    /// <summary>Creates the network and starts both containers.</summary>
    /// <exception cref="DockerUnavailableException">No container engine answers.</exception>
    public static async Task<ContainerReplicatedPostgresPair> StartAsync()
    {
        var network = new NetworkBuilder()
            .WithName($"compozy-failover-{Guid.NewGuid():N}")
            .WithLabel(TestContainerOwner.Label, TestContainerOwner.Id)
            .Build();
        await network.CreateAsync();
        PostgresTestContainer? primary = null;
        try
        {
            var password = PostgresTestContainer.NewPassword();
            primary = await PostgresTestContainer.StartAsync(
                "failover-primary", password: password, configure: builder => builder.WithNetwork(network).WithNetworkAliases(PrimaryAlias));

            // The image's pg_hba.conf lets every database in over TCP, but replication is not a database.
            await primary.ExecAsync("bash", "-c", "echo 'host replication all all scram-sha-256' >> \"$PGDATA/pg_hba.conf\" && pg_ctl reload --silent");
            var standby = await PostgresTestContainer.StartAsync(
                "failover-standby",
                password: password,
                configure: builder => builder.WithNetwork(network).WithEntrypoint("bash", "-c", StandbyEntryPoint, "standby"));
            return new ContainerReplicatedPostgresPair(network, primary, standby);
        }
        catch
        {
            if (primary is not null)
            {
                await primary.DisposeAsync();
            }

            await network.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task CrashPrimaryAsync() =>
        // Without waiting: the container ends with its server, and the exec session with it.
        await _primary.ExecAsync("pg_ctl", "stop", "--mode=immediate", "--no-wait", "--silent");

    /// <inheritdoc />
    public async Task<string> ReadLogsAsync() =>
        $"primary:{Environment.NewLine}{await _primary.ReadLogAsync()}{Environment.NewLine}standby:{Environment.NewLine}{await _standby.ReadLogAsync()}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _standby.DisposeAsync();
        await _primary.DisposeAsync();
        await _network.DisposeAsync();
    }
}
