using Compozy.Data.Configuration;

namespace Compozy.Data.Postgres.Configuration;

/// <summary>The keys the PostgreSQL provider reads (Compozy's names and aliases).</summary>
public static class PostgresConfigurationKeys
{
    /// <summary>SSL modes, as libpq and Compozy spell them.</summary>
    public static IReadOnlyList<string> SslModes { get; } = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

    /// <summary><c>database.conn_string</c>.</summary>
    public static ConfigurationKey ConnString { get; } = new()
    {
        Path = "database.conn_string",
        EnvironmentVariable = "DB_CONN_STRING",
        Flag = "--db-conn-string",
        Type = ConfigurationValueType.Text(),
        IsSecret = true,
        Description = "Full connection string, as Npgsql keywords (Host=...;Database=...) or a postgres:// URL. Fields set separately override its parts.",
    };

    /// <summary><c>database.host</c>.</summary>
    public static ConfigurationKey Host { get; } = new()
    {
        Path = "database.host",
        EnvironmentVariable = "DB_HOST",
        Flag = "--db-host",
        Type = ConfigurationValueType.Text(),
        Description = "Server host name or address; several, comma-separated, for failover.",
    };

    /// <summary><c>database.port</c>.</summary>
    public static ConfigurationKey Port { get; } = new()
    {
        Path = "database.port",
        EnvironmentVariable = "DB_PORT",
        Flag = "--db-port",
        Type = ConfigurationValueType.WholeNumber(1, 65535),
        Default = "5432",
        Description = "Server port.",
    };

    /// <summary><c>database.user</c>.</summary>
    public static ConfigurationKey User { get; } = new()
    {
        Path = "database.user",
        EnvironmentVariable = "DB_USER",
        Flag = "--db-user",
        Type = ConfigurationValueType.Text(),
        Description = "User name.",
    };

    /// <summary><c>database.password</c>.</summary>
    public static ConfigurationKey Password { get; } = new()
    {
        Path = "database.password",
        EnvironmentVariable = "DB_PASSWORD",
        Type = ConfigurationValueType.Text(allowEmpty: true),
        IsSecret = true,
        Description = "Password. Prefer DB_PASSWORD or ${VAR} interpolation over writing it in the file; it is never logged.",
    };

    /// <summary><c>database.name</c> (alias <c>dbname</c>).</summary>
    public static ConfigurationKey Name { get; } = new()
    {
        Path = "database.name",
        EnvironmentVariable = "DB_NAME",
        Flag = "--db-name",
        Aliases = ["dbname"],
        Type = ConfigurationValueType.Text(),
        Default = "compozy",
        Description = "Database name.",
    };

    /// <summary><c>database.ssl_mode</c> (alias <c>sslmode</c>).</summary>
    public static ConfigurationKey SslMode { get; } = new()
    {
        Path = "database.ssl_mode",
        EnvironmentVariable = "DB_SSL_MODE",
        Flag = "--db-ssl-mode",
        Aliases = ["sslmode"],
        Type = ConfigurationValueType.Choice([.. SslModes]),
        Default = "prefer",
        Description = "TLS use: disable, allow, prefer, require, verify-ca or verify-full.",
    };

    /// <summary><c>database.max_open_conns</c>.</summary>
    public static ConfigurationKey MaxOpenConns { get; } = new()
    {
        Path = "database.max_open_conns",
        EnvironmentVariable = "DB_MAX_OPEN_CONNS",
        Flag = "--db-max-open-conns",
        Type = ConfigurationValueType.WholeNumber(1, 10_000),
        Default = "25",
        Description = "Most connections the pool opens (Npgsql Maximum Pool Size); callers beyond it wait.",
    };

    /// <summary><c>database.max_idle_conns</c>.</summary>
    public static ConfigurationKey MaxIdleConns { get; } = new()
    {
        Path = "database.max_idle_conns",
        EnvironmentVariable = "DB_MAX_IDLE_CONNS",
        Flag = "--db-max-idle-conns",
        Type = ConfigurationValueType.WholeNumber(0, 10_000),
        Default = "2",
        Description = "Connections the pool keeps open when idle (Npgsql Minimum Pool Size); at most max_open_conns.",
    };

    /// <summary><c>database.conn_max_lifetime</c>.</summary>
    public static ConfigurationKey ConnMaxLifetime { get; } = new()
    {
        Path = "database.conn_max_lifetime",
        EnvironmentVariable = "DB_CONN_MAX_LIFETIME",
        Type = ConfigurationValueType.Duration(TimeSpan.Zero, TimeSpan.FromDays(1)),
        Default = "5m",
        Description = "A connection older than this is closed when returned to the pool (0s: never), so that failovers and DNS changes are picked up.",
    };

    /// <summary><c>database.conn_max_idle_time</c>.</summary>
    public static ConfigurationKey ConnMaxIdleTime { get; } = new()
    {
        Path = "database.conn_max_idle_time",
        EnvironmentVariable = "DB_CONN_MAX_IDLE_TIME",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
        Default = "1m",
        Description = "Idle connections above max_idle_conns are closed after this long.",
    };

    /// <summary><c>database.connect_timeout</c>.</summary>
    public static ConfigurationKey ConnectTimeout { get; } = new()
    {
        Path = "database.connect_timeout",
        EnvironmentVariable = "DB_CONNECT_TIMEOUT",
        Flag = "--db-connect-timeout",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1024)),
        Default = "10s",
        Description = "Longest wait to open a connection, including waiting for a free pool slot.",
    };

    /// <summary><c>database.max_auto_prepare</c>.</summary>
    public static ConfigurationKey MaxAutoPrepare { get; } = new()
    {
        Path = "database.max_auto_prepare",
        EnvironmentVariable = "DB_MAX_AUTO_PREPARE",
        Type = ConfigurationValueType.WholeNumber(0, 10_000),
        Default = "64",
        Description = "Statements Npgsql prepares on the server per connection once they have been run twice (Npgsql Max Auto Prepare); 0 turns automatic preparation off, as a connection pooler that cannot keep prepared statements needs.",
    };

    /// <summary>Every PostgreSQL key.</summary>
    public static IReadOnlyList<ConfigurationKey> All { get; } =
        [ConnString, Host, Port, User, Password, Name, SslMode, MaxOpenConns, MaxIdleConns, ConnMaxLifetime, ConnMaxIdleTime, ConnectTimeout, MaxAutoPrepare];
}
