using System.Globalization;
using DotNet.Testcontainers.Builders;
using Npgsql;

namespace Compozy.Data.Testing;

/// <summary>
/// The PostgreSQL server the tests use, from the first of these sources:
/// <list type="number">
/// <item>the server <c>COMPOZY_TEST_POSTGRES</c> points at (an administrator connection string: a
/// CI service, a developer's own server with pgvector, or the Debian-packages server that
/// <c>scripts/test.sh</c> starts where no container engine can run);</item>
/// <item>otherwise one container per test process, started by Testcontainers from the project's image
/// the first time a test asks, and removed when the process exits.</item>
/// </list>
/// Tests get their own databases on it and drop them afterwards. When neither source works the
/// PostgreSQL cases fail, never skip.
/// </summary>
public static class PostgresServer
{
    /// <summary>The environment variable holding an administrator connection string.</summary>
    public const string EnvironmentVariable = "COMPOZY_TEST_POSTGRES";

    private static readonly TimeSpan RemoveBound = TimeSpan.FromMinutes(1);

    private static readonly Lazy<Task<PostgresTestContainer>> Container = new(StartContainerAsync);

    /// <summary>Whether the tests run on an existing server (<see cref="EnvironmentVariable"/>) rather than a container of their own.</summary>
    public static bool UsesExistingServer => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 };

    /// <summary>The administrator connection string, starting the container on first use when no server is configured.</summary>
    /// <exception cref="InvalidOperationException">No server can be had: the test fails rather than skip.</exception>
    public static async Task<string> GetAdminConnectionStringAsync() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : (await Container.Value).ConnectionString;

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var admin = await GetAdminConnectionStringAsync();
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"t_{Sanitize(purpose)}_{Guid.NewGuid():N}")[..Math.Min(63, 34 + Sanitize(purpose).Length)];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database created by <see cref="CreateDatabaseAsync"/>, disconnecting its sessions.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await GetAdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresTestContainer> StartContainerAsync()
    {
        PostgresTestContainer container;
        try
        {
            container = await PostgresTestContainer.StartAsync("shared");
        }
        catch (DockerUnavailableException exception)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so the PostgreSQL cases run in a Testcontainers container, but no container " +
                $"engine answers ({exception.Message}). Run the suite with scripts/test.sh (as root it installs and starts Docker, " +
                $"or falls back to PostgreSQL from Debian's packages where no engine can run), or set {EnvironmentVariable} to an " +
                "administrator connection string such as Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres.",
                exception);
        }

        // xunit 2 has no end-of-run hook; without the reaper the container would outlive the process.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(RemoveBound);
        return container;
    }

    private static string Sanitize(string purpose)
    {
        var cleaned = new string(purpose.ToLowerInvariant().Select(character => char.IsAsciiLetterOrDigit(character) ? character : '_').ToArray());
        return cleaned.Length > 24 ? cleaned[..24] : cleaned;
    }
}
