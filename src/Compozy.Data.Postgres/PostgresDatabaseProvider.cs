using System.Globalization;
using Compozy.Data.Configuration;
using Compozy.Data.Postgres.Configuration;
using Compozy.Data.Postgres.Connections;
using Compozy.Data.Providers;
using Npgsql;

namespace Compozy.Data.Postgres;

/// <summary>The PostgreSQL provider (<c>database.driver: postgres</c>), for production and scale-out.</summary>
public sealed class PostgresDatabaseProvider : IDatabaseProvider
{
    /// <summary>The driver name.</summary>
    public const string DriverName = "postgres";

    /// <inheritdoc />
    public string Driver => DriverName;

    /// <inheritdoc />
    public IReadOnlyList<ConfigurationKey> ConfigurationKeys => PostgresConfigurationKeys.All;

    /// <inheritdoc />
    public IConfiguredDatabaseProvider Configure(ConfigurationReader reader, CompozyDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);

        var builder = new NpgsqlConnectionStringBuilder();
        var connString = reader.Read<string>(PostgresConfigurationKeys.ConnString);
        var hasConnString = connString is not null;
        if (connString is not null)
        {
            if (PostgresConnectionString.TryParse(connString, out var parsed, out var error))
            {
                builder = parsed;
            }
            else
            {
                reader.AddProblem(PostgresConfigurationKeys.ConnString.Path, error!);
            }
        }

        if (!hasConnString && !reader.IsSet(PostgresConfigurationKeys.Host))
        {
            reader.AddProblem(
                PostgresConfigurationKeys.Host.Path,
                "postgres driver requires host or conn_string; set database.host (DB_HOST) or database.conn_string (DB_CONN_STRING)");
        }

        // Explicit fields win over conn_string; defaults apply only where conn_string is silent.
        Apply<string>(reader, PostgresConfigurationKeys.Host, hasConnString, value => builder.Host = value);
        Apply<int>(reader, PostgresConfigurationKeys.Port, hasConnString && builder.ContainsKey("Port"), value => builder.Port = value);
        Apply<string>(reader, PostgresConfigurationKeys.User, hasConnString, value => builder.Username = value);
        Apply<string>(reader, PostgresConfigurationKeys.Password, hasConnString, value => builder.Password = value);
        Apply<string>(reader, PostgresConfigurationKeys.Name, hasConnString && builder.Database is not null, value => builder.Database = value);
        Apply<string>(reader, PostgresConfigurationKeys.SslMode, hasConnString && builder.ContainsKey("SSL Mode"), value =>
        {
            PostgresConnectionString.TrySslMode(value, out var mode);
            builder.SslMode = mode;
        });

        if (reader.TryRead<int>(PostgresConfigurationKeys.MaxOpenConns, out var maxOpen))
        {
            builder.MaxPoolSize = maxOpen;
        }

        if (reader.TryRead<int>(PostgresConfigurationKeys.MaxIdleConns, out var maxIdle))
        {
            if (maxIdle > builder.MaxPoolSize)
            {
                reader.AddProblem(
                    PostgresConfigurationKeys.MaxIdleConns.Path,
                    $"\"{maxIdle}\" is more than database.max_open_conns ({builder.MaxPoolSize}); allowed: an integer from 0 to {builder.MaxPoolSize}");
            }
            else
            {
                builder.MinPoolSize = maxIdle;
            }
        }

        if (reader.TryRead<TimeSpan>(PostgresConfigurationKeys.ConnMaxLifetime, out var lifetime))
        {
            builder.ConnectionLifetime = (int)lifetime.TotalSeconds;
        }

        if (reader.TryRead<TimeSpan>(PostgresConfigurationKeys.ConnMaxIdleTime, out var idleTime))
        {
            var idleSeconds = Math.Max(1, (int)idleTime.TotalSeconds);
            builder.ConnectionPruningInterval = Math.Min(10, idleSeconds);
            builder.ConnectionIdleLifetime = idleSeconds;
        }
        Apply<TimeSpan>(reader, PostgresConfigurationKeys.ConnectTimeout, hasConnString && builder.ContainsKey("Timeout"), value => builder.Timeout = (int)value.TotalSeconds);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "compozy";
        }

        return new ConfiguredPostgresProvider(new PostgresOptions
        {
            ConnectionString = builder.ConnectionString,
            SafeDescription = Describe(builder),
            MaxOpenConnections = builder.MaxPoolSize,
            MaxIdleConnections = builder.MinPoolSize,
        });
    }

    private static void Apply<T>(ConfigurationReader reader, ConfigurationKey key, bool connStringProvides, Action<T> set)
    {
        if (!reader.IsSet(key) && (connStringProvides || key.Default is null))
        {
            return;
        }

        if (reader.TryRead<T>(key, out var value))
        {
            set(value);
        }
    }

    private static string Describe(NpgsqlConnectionStringBuilder builder) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"host={builder.Host} port={builder.Port} database={builder.Database} user={builder.Username} ssl_mode={builder.SslMode.ToString().ToLowerInvariant()}");
}
