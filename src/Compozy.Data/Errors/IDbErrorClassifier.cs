namespace Compozy.Data.Errors;

/// <summary>
/// Reads a provider's exceptions by code (SQLite result codes, PostgreSQL SQLSTATE), never by
/// message text, which changes with versions and locales.
/// </summary>
public interface IDbErrorClassifier
{
    /// <summary>The classification of <paramref name="exception"/> (or of an exception it wraps), or <see langword="null"/> when it is not a database error.</summary>
    DbErrorClassification? Classify(Exception exception);

    /// <summary>
    /// Whether <paramref name="classification"/> says the database itself could not be reached
    /// (rather than that one operation failed on a database that answered): the failures that
    /// open <see cref="Health.DatabaseCircuit"/>. By default a failed or broken connection and a
    /// timeout; a provider narrows or widens it with what its codes mean.
    /// </summary>
    bool IsOutage(DbErrorClassification classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        return classification.Kind is DbErrorKind.ConnectionFailed or DbErrorKind.Timeout;
    }
}
