using System.Globalization;
using Npgsql;

namespace Compozy.Data.Testing;

/// <summary>
/// The PostgreSQL server the tests use: the one <c>COMPOZY_TEST_POSTGRES</c> points at (set by
/// <c>scripts/test.sh</c> after starting a throwaway server, or by a developer for any server with
/// pgvector). Tests get their own databases on it and drop them afterwards.
/// </summary>
public static class PostgresServer
{
    /// <summary>The environment variable holding an administrator connection string.</summary>
    public const string EnvironmentVariable = "COMPOZY_TEST_POSTGRES";

    /// <summary>The administrator connection string.</summary>
    /// <exception cref="InvalidOperationException">No server is configured: the test fails rather than skip.</exception>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so the PostgreSQL cases cannot run. Run the suite with scripts/test.sh " +
                $"(it starts a throwaway PostgreSQL with pgvector), or set {EnvironmentVariable} to an administrator " +
                "connection string such as Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres.");

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"t_{Sanitize(purpose)}_{Guid.NewGuid():N}")[..Math.Min(63, 34 + Sanitize(purpose).Length)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database created by <see cref="CreateDatabaseAsync"/>, disconnecting its sessions.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    private static string Sanitize(string purpose)
    {
        var cleaned = new string(purpose.ToLowerInvariant().Select(character => char.IsAsciiLetterOrDigit(character) ? character : '_').ToArray());
        return cleaned.Length > 24 ? cleaned[..24] : cleaned;
    }
}
