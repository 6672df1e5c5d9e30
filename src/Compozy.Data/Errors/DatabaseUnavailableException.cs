namespace Compozy.Data.Errors;

/// <summary>
/// A request refused at once, without touching the database, because repeated connection
/// failures opened <see cref="Health.DatabaseCircuit"/>: nothing of it was done. Its
/// <see cref="CompozyDataException.Kind"/> is <see cref="DbErrorKind.ConnectionFailed"/>, so
/// whoever handles connection failures handles it too; the HTTP API answers 503 with
/// <c>Retry-After</c> set to <see cref="RetryAfter"/>.
/// </summary>
public sealed class DatabaseUnavailableException : CompozyDataException
{
    /// <summary>Creates the exception.</summary>
    public DatabaseUnavailableException(string message, TimeSpan retryAfter)
        : base(DbErrorKind.ConnectionFailed, message) => RetryAfter = retryAfter;

    /// <summary>Creates the exception.</summary>
    public DatabaseUnavailableException()
        : this("the database is unavailable", TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseUnavailableException(string message)
        : this(message, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatabaseUnavailableException(string message, Exception innerException)
        : base(DbErrorKind.ConnectionFailed, message, innerException) => RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>When to try again: the circuit's probe interval, in whole seconds, at least one.</summary>
    public TimeSpan RetryAfter { get; }
}
