namespace Compozy.Data.Postgres.Configuration;

/// <summary>Validated PostgreSQL settings.</summary>
public sealed class PostgresOptions
{
    /// <summary>The Npgsql connection string, with the password; never log it.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Host(s), port and database, safe to log.</summary>
    public required string SafeDescription { get; init; }

    /// <summary>Pool maximum.</summary>
    public int MaxOpenConnections { get; init; }

    /// <summary>Pool minimum.</summary>
    public int MaxIdleConnections { get; init; }
}
