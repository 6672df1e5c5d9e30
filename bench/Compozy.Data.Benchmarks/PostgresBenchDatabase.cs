using System.Globalization;
using Npgsql;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// A throwaway PostgreSQL database on the server <c>COMPOZY_TEST_POSTGRES</c> names (an
/// administrator connection string, as for the test suite): created empty for one run and
/// dropped afterwards, as tests/Compozy.Data.Testing does.
/// </summary>
internal sealed class PostgresBenchDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "COMPOZY_TEST_POSTGRES";

    private readonly string _admin;

    private PostgresBenchDatabase(string admin, string connectionString, string serverVersion)
    {
        _admin = admin;
        ConnectionString = connectionString;
        ServerVersion = serverVersion;
    }

    /// <summary>Connection string of the new database (never printed: it may hold a password).</summary>
    public string ConnectionString { get; }

    public string ServerVersion { get; }

    /// <summary>The server's host and port, for the report.</summary>
    public string Server
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"{builder.Host}:{builder.Port}";
        }
    }

    /// <summary>Creates the database, or returns <see langword="null"/> when the variable is not set.</summary>
    public static async Task<PostgresBenchDatabase?> CreateAsync(string purpose, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is not { Length: > 0 } admin)
        {
            return null;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"bench_{purpose}_{Guid.NewGuid():N}");
        string version;
        var connection = new NpgsqlConnection(admin);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            version = connection.PostgreSqlVersion.ToString();
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
        return new PostgresBenchDatabase(admin, connectionString, version);
    }

    public async ValueTask DisposeAsync()
    {
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        var connection = new NpgsqlConnection(_admin);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}
