using System.Net;
using Compozy.Data.Configuration;
using Microsoft.Extensions.Logging;

namespace Compozy.Cli.Configuration;

/// <summary>Validated <c>server.*</c> settings.</summary>
internal sealed record ServerOptions(IPAddress Address, int Port, TimeSpan ShutdownTimeout, long MaxBodySize)
{
    /// <summary>The least severe level logged (<c>server.log_level</c>); it follows a configuration reload.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public static ServerOptions Read(ConfigurationReader reader)
    {
        var host = reader.Read<string>(ServerConfigurationKeys.Host) ?? "127.0.0.1";
        if (!IPAddress.TryParse(host, out var address))
        {
            address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.None;
            if (address.Equals(IPAddress.None))
            {
                reader.AddProblem(ServerConfigurationKeys.Host.Path, $"\"{host}\" is not an IP address; allowed: an IPv4 or IPv6 address such as 127.0.0.1, or localhost");
            }
        }

        return new ServerOptions(
            address,
            reader.Read<int>(ServerConfigurationKeys.Port),
            reader.Read<TimeSpan>(ServerConfigurationKeys.ShutdownTimeout),
            reader.Read<long>(ServerConfigurationKeys.MaxBodySize))
        {
            LogLevel = (reader.Read<string>(ServerConfigurationKeys.LogLevel) ?? "info") switch
            {
                "debug" => LogLevel.Debug,
                "warn" => LogLevel.Warning,
                "error" => LogLevel.Error,
                _ => LogLevel.Information,
            },
        };
    }
}
