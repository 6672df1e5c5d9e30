using Compozy.Data.Configuration;

namespace Compozy.Cli.Configuration;

/// <summary>The <c>server.*</c> keys of <c>compozy start</c>.</summary>
internal static class ServerConfigurationKeys
{
    public static ConfigurationKey Host { get; } = new()
    {
        Path = "server.host",
        EnvironmentVariable = "SERVER_HOST",
        Flag = "--host",
        Type = ConfigurationValueType.Text(),
        Default = "127.0.0.1",
        Description = "Address the HTTP server listens on. The default keeps it on loopback; use 0.0.0.0 only behind a proxy or firewall.",
    };

    public static ConfigurationKey Port { get; } = new()
    {
        Path = "server.port",
        EnvironmentVariable = "SERVER_PORT",
        Flag = "--port",
        Type = ConfigurationValueType.WholeNumber(0, 65535),
        Default = "5001",
        Description = "TCP port of the HTTP server (0 picks a free port and logs it).",
    };

    public static ConfigurationKey ShutdownTimeout { get; } = new()
    {
        Path = "server.shutdown_timeout",
        EnvironmentVariable = "SERVER_SHUTDOWN_TIMEOUT",
        Flag = "--shutdown-timeout",
        Type = ConfigurationValueType.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        Default = "30s",
        Description = "On SIGTERM or Ctrl-C, how long in-flight requests and shutdown work may take before the process stops anyway.",
    };

    public static ConfigurationKey MaxBodySize { get; } = new()
    {
        Path = "server.max_body_size",
        EnvironmentVariable = "SERVER_MAX_BODY_SIZE",
        Flag = "--max-body-size",
        Type = ConfigurationValueType.Size(1024, 1L << 30),
        Default = "16MB",
        Description = "Largest request body the API accepts; a larger one is answered 413 before it is read.",
    };

    public static ConfigurationKey LogLevel { get; } = new()
    {
        Path = "server.log_level",
        EnvironmentVariable = "SERVER_LOG_LEVEL",
        Type = ConfigurationValueType.Choice("debug", "info", "warn", "error"),
        Default = "info",
        Reload = ConfigurationReload.Live,
        Description = "Least severe log line compozy start writes: debug, info, warn or error. The quieter defaults of EF Core and ASP.NET Core stay as they are.",
    };

    public static IReadOnlyList<ConfigurationKey> All { get; } = [Host, Port, ShutdownTimeout, MaxBodySize, LogLevel];
}
