using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Docker.DotNet;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Compozy.Data.Testing;

/// <summary>
/// A PostgreSQL 15 + pgvector server in a container started by Testcontainers.PostgreSql, from the
/// project's own image (<see cref="PostgresTestImage"/>), with a random superuser password.
/// </summary>
public sealed class PostgresTestContainer : IStoppablePostgresServer
{
    /// <summary>A container is ready in about 6 s, 15 s when several start at once; this only catches a hang.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan StopBound = TimeSpan.FromMinutes(1);

    private static readonly string[] TestcontainersVariables = ["DOCKER_API_VERSION", "TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_HOST_OVERRIDE"];

    private readonly PostgreSqlContainer _container;
    private readonly string _password;

    private PostgresTestContainer(PostgreSqlContainer container, string image, string password)
    {
        _container = container;
        _password = password;
        Description = $"a container from {image} (Testcontainers)";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = _container.Hostname,
        Port = _container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort),
        Username = PostgreSqlBuilder.DefaultUsername,
        Password = _password,
        Database = PostgreSqlBuilder.DefaultDatabase,
    }.ConnectionString;

    /// <summary>
    /// Builds the image when needed and starts a container labelled with its <paramref name="purpose"/>
    /// and owner. With <paramref name="fixedHostPort"/> the server keeps its address when the
    /// container is stopped and started again (the engine picks a new random port at every start).
    /// </summary>
    /// <param name="purpose">Written on the container as a label, for whoever lists the engine's containers.</param>
    /// <param name="fixedHostPort">Keep the server's host port across a stop and start.</param>
    /// <param name="password">The superuser's password; a random one when not given.</param>
    /// <param name="configure">Further settings (a network, another entry point), applied last.</param>
    /// <exception cref="DockerUnavailableException">No container engine answers.</exception>
    /// <exception cref="InvalidOperationException">The image could not be built or the container did not become ready.</exception>
    public static async Task<PostgresTestContainer> StartAsync(
        string purpose, bool fixedHostPort = false, string? password = null, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure = null)
    {
        var image = await PostgresTestImage.NameAsync();
        password ??= NewPassword();
        var builder = new PostgreSqlBuilder(image)
            .WithPassword(password)
            .WithLabel(TestContainerOwner.Label, TestContainerOwner.Id)
            .WithLabel("org.compozy.data.test-purpose", purpose)
            // Tests run in parallel, each with its own pools; the default 100 runs out.
            .WithCommand("-c", "max_connections=300");
        if (fixedHostPort)
        {
            builder = builder.WithPortBinding(FreePort(), PostgreSqlBuilder.PostgreSqlPort);
        }

        if (configure is not null)
        {
            builder = configure(builder);
        }

        // Build() is where Testcontainers finds out whether an engine answers: before any image build.
        var container = builder.Build();
        try
        {
            await PostgresTestImage.EnsureBuiltAsync();
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        try
        {
            using var bound = new CancellationTokenSource(StartBound);
            await container.StartAsync(bound.Token);
            return new PostgresTestContainer(container, image, password);
        }
        catch (Exception exception)
        {
            var log = await LogOfAsync(container);
            await container.DisposeAsync();
            throw new InvalidOperationException(
                $"The PostgreSQL test container ({image}) did not start (the bound is {StartBound}): {exception.Message}{Environment.NewLine}" +
                "Testcontainers here needs DOCKER_API_VERSION set to the engine's API version (1.41 for Debian's docker.io), " +
                $"TESTCONTAINERS_RYUK_DISABLED=true and TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 ({Settings()}); scripts/test.sh sets them." +
                $"{Environment.NewLine}The container's log:{Environment.NewLine}{log}",
                exception);
        }
    }

    /// <summary>A random superuser password, for containers that must share one.</summary>
    public static string NewPassword() => "test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Runs a command inside the container as its user; throws with its output when it fails.</summary>
    public async Task<string> ExecAsync(params string[] command)
    {
        using var bound = new CancellationTokenSource(StopBound);
        var result = await _container.ExecAsync(command, bound.Token);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"{string.Join(' ', command)} failed in the container with exit code {result.ExitCode}: {result.Stderr}{result.Stdout}");
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        using var bound = new CancellationTokenSource(StopBound);
        await _container.StopAsync(bound.Token);
    }

    /// <inheritdoc />
    public async Task StartAgainAsync()
    {
        using var bound = new CancellationTokenSource(StartBound);
        await _container.StartAsync(bound.Token);
    }

    /// <inheritdoc />
    public Task<string> ReadLogAsync() => LogOfAsync(_container);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _container.DisposeAsync();

    private static async Task<string> LogOfAsync(PostgreSqlContainer container)
    {
        if (string.IsNullOrEmpty(container.Id))
        {
            return "(none: the container was not created)";
        }

        try
        {
            var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);
            return stdout + stderr;
        }
        catch (DockerApiException exception)
        {
            return $"(none: {exception.Message})";
        }
    }

    private static string Settings() => string.Join(
        ", ",
        TestcontainersVariables.Select(name => $"{name} is {(Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : "unset")}"));

    private static ushort FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
