using System.Globalization;
using Compozy.Data.Testing;
using DotNet.Testcontainers.Builders;
using Npgsql;

namespace Compozy.Data.IntegrationTests.Faults;

/// <summary>
/// The fault tests' own PostgreSQL server, shared by the tests of <see cref="DedicatedPostgresServerDefinition"/>,
/// which run one at a time: they stop it, start it again and change its settings, which would
/// disturb every other test on the suite's shared server. It is a container of its own with a
/// fixed host port (stopping and starting the container is the restart) whenever a container
/// engine answers. Only where none does (the suite then runs on a server from Debian's packages,
/// through <c>COMPOZY_TEST_POSTGRES</c>) is it a server from <c>scripts/postgres-test-server.sh</c>.
/// </summary>
public sealed class DedicatedPostgresServer : IAsyncLifetime
{
    private IStoppablePostgresServer? _server;

    /// <summary>Where the server comes from, for a test's output.</summary>
    public string Description => Server.Description;

    /// <summary>An administrator connection string for the <c>postgres</c> database.</summary>
    public string ConnectionString => Server.ConnectionString;

    private IStoppablePostgresServer Server => _server ?? throw new InvalidOperationException("the dedicated PostgreSQL server did not start");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            _server = await PostgresTestContainer.StartAsync("faults", fixedHostPort: true);
        }
        catch (DockerUnavailableException) when (PostgresServer.UsesExistingServer)
        {
            _server = await ThrowawayPostgresServer.StartAsync();
        }
        catch (DockerUnavailableException exception)
        {
            throw new InvalidOperationException(
                $"{PostgresServer.EnvironmentVariable} is not set, so the fault tests' own server is a Testcontainers container, " +
                $"but no container engine answers ({exception.Message}). Run the suite with scripts/test.sh, which prepares one " +
                "or falls back to PostgreSQL from Debian's packages.",
                exception);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Stops the server with a fast shutdown (sessions ended, data kept), as an operator's restart does.</summary>
    public Task StopAsync() => Server.StopAsync();

    /// <summary>Starts the stopped server again at the same address; returns once it accepts connections.</summary>
    public Task StartAgainAsync() => Server.StartAgainAsync();

    /// <summary>The server's log, for a failing test's message.</summary>
    public Task<string> ReadLogAsync() => Server.ReadLogAsync();

    /// <summary>Creates an empty database with a unique name starting with <paramref name="purpose"/>; returns an administrator connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{purpose}_{Guid.NewGuid():N}");
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs each statement in turn on a connection of its own to the <c>postgres</c> database.</summary>
    public async Task ExecuteAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Runs a query returning one integer on a connection of its own to the <c>postgres</c> database.</summary>
    public async Task<long> CountAsync(string query)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
