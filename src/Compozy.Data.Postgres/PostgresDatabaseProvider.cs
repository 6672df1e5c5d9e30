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

    /// <summary>Each key's effect on the Npgsql connection string.</summary>
    private static readonly (ConfigurationKey Key, Action<NpgsqlConnectionStringBuilder, object> Apply)[] Settings =
    [
        (PostgresConfigurationKeys.Host, (builder, value) => builder.Host = (string)value),
        (PostgresConfigurationKeys.Port, (builder, value) => builder.Port = (int)value),
        (PostgresConfigurationKeys.User, (builder, value) => builder.Username = (string)value),
        (PostgresConfigurationKeys.Password, (builder, value) => builder.Password = (string)value),
        (PostgresConfigurationKeys.Name, (builder, value) => builder.Database = (string)value),
        (PostgresConfigurationKeys.SslMode, (builder, value) =>
        {
            PostgresConnectionString.TrySslMode((string)value, out var mode);
            builder.SslMode = mode;
        }),
        (PostgresConfigurationKeys.MaxOpenConns, (builder, value) => builder.MaxPoolSize = (int)value),
        (PostgresConfigurationKeys.MaxIdleConns, (builder, value) => builder.MinPoolSize = (int)value),
        (PostgresConfigurationKeys.ConnMaxLifetime, (builder, value) => builder.ConnectionLifetime = WholeSeconds(value)),
        (PostgresConfigurationKeys.ConnMaxIdleTime, (builder, value) =>
        {
            // Npgsql requires the pruning interval to be no longer than the idle lifetime.
            var seconds = WholeSeconds(value);
            builder.ConnectionPruningInterval = Math.Min(10, seconds);
            builder.ConnectionIdleLifetime = seconds;
        }),
        (PostgresConfigurationKeys.ConnectTimeout, (builder, value) => builder.Timeout = WholeSeconds(value)),
        (PostgresConfigurationKeys.MaxAutoPrepare, (builder, value) => builder.MaxAutoPrepare = (int)value),
    ];

    /// <inheritdoc />
    public string Driver => DriverName;

    /// <inheritdoc />
    public IReadOnlyList<ConfigurationKey> ConfigurationKeys => PostgresConfigurationKeys.All;

    /// <inheritdoc />
    public IConfiguredDatabaseProvider Configure(ConfigurationReader reader, CompozyDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var problemsBefore = reader.Problems.Count;

        // Precedence within the provider: defaults, then conn_string, then each key set explicitly.
        // The stores run the same few statements over and over, so a statement is worth preparing
        // from its second use rather than Npgsql's fifth. A pooled connection is not reset when it
        // goes back to the pool: the layer keeps no session state on it (session-level locks are
        // taken on connections of their own, PostgresSessionDataSource), and the reset would be
        // one more statement on the server before every use. conn_string may still say otherwise.
        var builder = new NpgsqlConnectionStringBuilder { ApplicationName = "compozy", AutoPrepareMinUsages = 2, NoResetOnClose = true };
        foreach (var (key, apply) in Settings.Where(setting => setting.Key.Default is not null && !reader.IsSet(setting.Key)))
        {
            if (reader.TryRead<object>(key, out var value))
            {
                apply(builder, value);
            }
        }

        var connString = reader.Read<string>(PostgresConfigurationKeys.ConnString);
        if (connString is not null && !PostgresConnectionString.TryApply(connString, builder, out var error))
        {
            reader.AddProblem(PostgresConfigurationKeys.ConnString.Path, error!);
        }

        foreach (var (key, apply) in Settings.Where(setting => reader.IsSet(setting.Key)))
        {
            if (reader.TryRead<object>(key, out var value))
            {
                apply(builder, value);
            }
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            reader.AddProblem(
                PostgresConfigurationKeys.Host.Path,
                "postgres driver requires host or conn_string; set database.host (DB_HOST) or database.conn_string (DB_CONN_STRING) with a Host");
        }

        ValidatePoolSizes(reader, builder);
        if (!string.IsNullOrWhiteSpace(builder.Host) && !IsValidHostList(builder.Host))
        {
            ReportInvalidHost(reader, builder);
        }

        if (reader.Problems.Count == problemsBefore)
        {
            ValidateByBuilding(reader, builder);
        }

        return new ConfiguredPostgresProvider(new PostgresOptions
        {
            ConnectionString = builder.ConnectionString,
            SafeDescription = Describe(builder),
            MaxOpenConnections = builder.MaxPoolSize,
            MaxIdleConnections = builder.MinPoolSize,
        });
    }

    /// <summary>
    /// Npgsql counts these settings in whole seconds, where 0 means "never"; rounding up keeps a
    /// sub-second value from silently turning into that.
    /// </summary>
    private static int WholeSeconds(object value) => (int)Math.Ceiling(((TimeSpan)value).TotalSeconds);

    private static void ValidatePoolSizes(ConfigurationReader reader, NpgsqlConnectionStringBuilder builder)
    {
        if (builder.MinPoolSize <= builder.MaxPoolSize)
        {
            return;
        }

        if (reader.IsSet(PostgresConfigurationKeys.MaxIdleConns))
        {
            reader.AddProblem(
                PostgresConfigurationKeys.MaxIdleConns.Path,
                $"\"{builder.MinPoolSize}\" is more than database.max_open_conns ({builder.MaxPoolSize}); allowed: an integer from 0 to {builder.MaxPoolSize}");
        }
        else
        {
            // The default idle count only caps itself: a small max_open_conns is not an error.
            builder.MinPoolSize = builder.MaxPoolSize;
        }
    }

    /// <summary>
    /// Builds (without opening) the data source the host will build, so that what only Npgsql
    /// checks (host lists, timeouts that contradict each other) fails here with exit code 2
    /// rather than at start. The message quotes the host only when it was set on its own, since a
    /// host from conn_string may carry pieces of a malformed password.
    /// </summary>
    private static void ValidateByBuilding(ConfigurationReader reader, NpgsqlConnectionStringBuilder builder)
    {
        try
        {
            using var probe = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
        {
            ReportInvalidHost(reader, builder);
        }
    }

    private static void ReportInvalidHost(ConfigurationReader reader, NpgsqlConnectionStringBuilder builder)
    {
        if (reader.IsSet(PostgresConfigurationKeys.Host))
        {
            reader.AddProblem(
                PostgresConfigurationKeys.Host.Path,
                $"\"{builder.Host}\" is not a valid host list; allowed: host, host:port, [ipv6]:port, or several of them separated by commas");
        }
        else
        {
            reader.AddProblem(
                PostgresConfigurationKeys.ConnString.Path,
                "is not accepted by Npgsql (check the host list and the pool and timeout settings); the value is not shown because it may contain a password");
        }
    }

    /// <summary>
    /// Hosts as Npgsql takes them: comma-separated <c>name</c>, <c>name:port</c> or
    /// <c>[ipv6]:port</c>. Npgsql accepts some malformed lists (empty entries, two colons) and
    /// fails only when connecting, which would turn a typo into a runtime error.
    /// </summary>
    private static bool IsValidHostList(string hosts) =>
        hosts.Split(',').All(entry =>
        {
            var host = entry.Trim();
            string? port = null;
            if (host.StartsWith('['))
            {
                var close = host.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    return false;
                }

                port = host.Length > close + 1 ? (host[close + 1] == ':' ? host[(close + 2)..] : "bad") : null;
                host = host[1..close];
                return host.Length > 0 && (port is null || IsPort(port));
            }

            var colon = host.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                port = host[(colon + 1)..];
                host = host[..colon];
            }

            return host.Length > 0 && !host.Any(char.IsWhiteSpace) && (port is null || IsPort(port));
        });

    private static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;

    private static string Describe(NpgsqlConnectionStringBuilder builder) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"host={builder.Host} port={builder.Port} database={builder.Database} user={builder.Username} ssl_mode={PostgresConnectionString.SslModeName(builder.SslMode)}");
}
