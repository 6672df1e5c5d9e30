namespace Compozy.Data.Errors;

/// <summary>
/// Reads a provider's exceptions by code (SQLite result codes, PostgreSQL SQLSTATE), never by
/// message text, which changes with versions and locales.
/// </summary>
public interface IDbErrorClassifier
{
    /// <summary>The classification of <paramref name="exception"/> (or of an exception it wraps), or <see langword="null"/> when it is not a database error.</summary>
    DbErrorClassification? Classify(Exception exception);
}
