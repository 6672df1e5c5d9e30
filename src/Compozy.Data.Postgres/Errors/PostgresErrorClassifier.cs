using System.Net.Sockets;
using Compozy.Data.Errors;
using Npgsql;

namespace Compozy.Data.Postgres.Errors;

/// <summary>Classifies PostgreSQL errors by SQLSTATE, and Npgsql's own failures by exception type.</summary>
internal sealed class PostgresErrorClassifier : IDbErrorClassifier
{
    private const string NpgsqlTimeout = "npgsql timeout";

    public DbErrorClassification? Classify(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return new DbErrorClassification(Classify(postgres.SqlState), postgres.SqlState, postgres.ConstraintName);
                case NpgsqlException { InnerException: TimeoutException }:
                    return new DbErrorClassification(DbErrorKind.Timeout, NpgsqlTimeout);
                case NpgsqlException { InnerException: SocketException or IOException }:
                    return new DbErrorClassification(DbErrorKind.ConnectionFailed, "npgsql connection");
                case NpgsqlException { IsTransient: true }:
                    return new DbErrorClassification(DbErrorKind.ConnectionFailed, "npgsql transient");
                case NpgsqlException when PostgresHostUnavailability.IsNoUsableHost(current):
                    return new DbErrorClassification(DbErrorKind.ConnectionFailed, "npgsql no usable host");
                case TimeoutException:
                    return new DbErrorClassification(DbErrorKind.Timeout, "timeout");
                case OperationCanceledException:
                    return new DbErrorClassification(DbErrorKind.Cancelled, "cancelled");
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// No connection (refused, broken, no usable host, the server shutting down) or Npgsql's own
    /// timeout, which is the connect timeout or a network read that got no answer. A statement
    /// cancelled by the server (57014, statement_timeout) is not one: the server answered.
    /// </summary>
    public bool IsOutage(DbErrorClassification classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        return classification.Kind == DbErrorKind.ConnectionFailed || classification.Code == NpgsqlTimeout;
    }

    private static DbErrorKind Classify(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.UniqueViolation => DbErrorKind.UniqueConflict,
        PostgresErrorCodes.ForeignKeyViolation => DbErrorKind.ForeignKey,
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.InvalidTextRepresentation => DbErrorKind.Check,
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable => DbErrorKind.Busy,
        PostgresErrorCodes.ReadOnlySqlTransaction => DbErrorKind.ReadOnly,
        PostgresErrorCodes.DiskFull => DbErrorKind.DiskFull,
        PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted => DbErrorKind.Corrupt,
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => DbErrorKind.AuthFailed,
        PostgresErrorCodes.QueryCanceled => DbErrorKind.Timeout,
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => DbErrorKind.ConnectionFailed,
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) => DbErrorKind.ConnectionFailed,
        _ => DbErrorKind.Unknown,
    };
}
