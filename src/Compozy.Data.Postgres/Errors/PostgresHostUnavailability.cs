using System.Net.Sockets;
using Npgsql;

namespace Compozy.Data.Postgres.Errors;

/// <summary>
/// Recognises the failure of a multi-host connection string while no host can serve it (the
/// primary is down and the standby not yet promoted, during a failover). Npgsql reports it as a
/// plain <see cref="NpgsqlException"/> that it does not mark transient, so without this the
/// writes of a failover would fail at once instead of being retried until the new primary
/// answers.
/// </summary>
internal static class PostgresHostUnavailability
{
    /// <summary>Npgsql's message when every host answered but none had the attributes asked for (Npgsql 10).</summary>
    private const string NoSuitableHost = "No suitable host was found.";

    /// <summary>Whether <paramref name="exception"/> says that no host of the list could be used just now.</summary>
    public static bool IsNoUsableHost(Exception exception) => exception switch
    {
        // Every host failed to connect; each failure is in the aggregate.
        NpgsqlException { InnerException: AggregateException aggregate } =>
            aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsConnectFailure),

        // Every host answered, none as a primary (a standby not promoted yet, or a host whose state
        // Npgsql still remembers from before the promotion: see Host Recheck Seconds).
        NpgsqlException { InnerException: null } bare when bare.GetType() == typeof(NpgsqlException) =>
            string.Equals(bare.Message, NoSuitableHost, StringComparison.Ordinal),
        _ => false,
    };

    private static bool IsConnectFailure(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}
