using System.Net;
using System.Net.Sockets;
using Compozy.Data.Errors;
using Compozy.Data.Postgres.Errors;
using Npgsql;

namespace Compozy.Data.Tests.Errors;

/// <summary>
/// A multi-host connection string with no usable host (during a failover) must read as a
/// connection failure, which the writer retries, and nothing else may.
/// </summary>
public sealed class PostgresHostUnavailabilityTests
{
    [Fact]
    public async Task Every_host_of_a_list_refusing_connections_is_a_connection_failure()
    {
        var hosts = $"127.0.0.1:{ClosedPort()},127.0.0.1:{ClosedPort()}";
        await using var dataSource = new NpgsqlDataSourceBuilder($"Host={hosts};Username=nobody;Password=x;Target Session Attributes=primary;Timeout=5").Build();

        var exception = await Should.ThrowAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());

        PostgresHostUnavailability.IsNoUsableHost(exception).ShouldBeTrue(exception.ToString());
        new PostgresErrorClassifier().Classify(exception)!.Kind.ShouldBe(DbErrorKind.ConnectionFailed);
    }

    [Fact]
    public void No_host_with_the_attributes_asked_for_is_a_connection_failure()
    {
        var exception = new NpgsqlException("No suitable host was found.");

        PostgresHostUnavailability.IsNoUsableHost(exception).ShouldBeTrue();
        new PostgresErrorClassifier().Classify(exception)!.Kind.ShouldBe(DbErrorKind.ConnectionFailed);
    }

    [Theory]
    [InlineData("The connection pool has been exhausted")]
    [InlineData("No suitable host was found")]
    public void Other_plain_npgsql_failures_are_not_taken_for_an_unavailable_host(string message)
    {
        PostgresHostUnavailability.IsNoUsableHost(new NpgsqlException(message)).ShouldBeFalse();
        PostgresHostUnavailability.IsNoUsableHost(new NpgsqlException(message, new AggregateException(new InvalidOperationException("not a connection failure")))).ShouldBeFalse();
    }

    private static int ClosedPort()
    {
        // Bound and released: nothing listens there afterwards, so a connection is refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
