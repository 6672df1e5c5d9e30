namespace Compozy.Data.Errors;

/// <summary>A provider's reading of a database exception.</summary>
/// <param name="Kind">The neutral kind.</param>
/// <param name="Code">The provider's code (SQLite extended result code, PostgreSQL SQLSTATE), for logs.</param>
/// <param name="Constraint">The constraint or index involved, when the database says.</param>
public sealed record DbErrorClassification(DbErrorKind Kind, string Code, string? Constraint = null);
