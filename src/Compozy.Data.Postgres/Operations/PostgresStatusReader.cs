using Compozy.Data.Operations;
using Compozy.Data.Postgres.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compozy.Data.Postgres.Operations;

/// <summary><c>compozy db status</c> for PostgreSQL: server, database size, sessions and the pool settings.</summary>
internal sealed class PostgresStatusReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options) : IDatabaseStatusReader
{
    public async Task<DatabaseStatus> ReadAsync(IntegrityCheck check, CancellationToken cancellationToken)
    {
        var pool = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        var facts = new List<KeyValuePair<string, object?>> { new("server", options.Value.SafeDescription) };
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            facts.Add(new("server_version", await ScalarAsync(connection, "SHOW server_version", cancellationToken).ConfigureAwait(false)));
            facts.Add(new("database_bytes", await ScalarAsync(connection, "SELECT pg_database_size(current_database())", cancellationToken).ConfigureAwait(false)));
            facts.Add(new("sessions", await ScalarAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()", cancellationToken).ConfigureAwait(false)));
            facts.Add(new("in_recovery", await ScalarAsync(connection, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false)));
            facts.Add(new("pgvector", await ScalarAsync(connection, "SELECT extversion FROM pg_extension WHERE extname = 'vector'", cancellationToken).ConfigureAwait(false)));
        }

        facts.Add(new("pool_max_connections", pool.MaxPoolSize));
        facts.Add(new("pool_min_connections", pool.MinPoolSize));
        facts.Add(new("connection_lifetime_seconds", pool.ConnectionLifetime));
        facts.Add(new("connection_idle_lifetime_seconds", pool.ConnectionIdleLifetime));
        facts.Add(new("connect_timeout_seconds", pool.Timeout));
        if (check != IntegrityCheck.None)
        {
            facts.Add(new("integrity", "not checked: PostgreSQL has no online equivalent of SQLite's quick_check; use pg_amcheck"));
        }

        return new DatabaseStatus(new DatabaseReport(facts), check, null);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
