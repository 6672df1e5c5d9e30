namespace Compozy.Data.Errors;

/// <summary>
/// A database operation failed. <see cref="Exception.Message"/> is written for the person who
/// can act on it (what failed and what to do); the provider's own exception, with its code and
/// text, is the <see cref="Exception.InnerException"/> and is logged by the layer.
/// </summary>
public class CompozyDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CompozyDataException(DbErrorKind kind, string message, Exception? innerException = null, string? constraint = null)
        : base(message, innerException)
    {
        Kind = kind;
        Constraint = constraint;
    }

    private CompozyDataException(string reference, string message, Exception? innerException)
        : this(DbErrorKind.ForeignKey, message, innerException) => Reference = reference;

    /// <summary>Creates the exception.</summary>
    public CompozyDataException()
        : this(DbErrorKind.Unknown, "a database operation failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public CompozyDataException(string message)
        : this(DbErrorKind.Unknown, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CompozyDataException(string message, Exception innerException)
        : this(DbErrorKind.Unknown, message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public DbErrorKind Kind { get; }

    /// <summary>The constraint or index involved, when known.</summary>
    public string? Constraint { get; }

    /// <summary>
    /// For a <see cref="DbErrorKind.ForeignKey"/> failure of a write, the field of the written row
    /// whose value names no row (<c>workflow_exec_id</c>), when the store worked it out; SQLite's
    /// error does not say which reference failed.
    /// </summary>
    public string? Reference { get; }

    /// <summary>A store's answer for a key that names no row: <c>{what} '{key}' not found</c>.</summary>
    public static CompozyDataException NotFound(string what, string key) =>
        new(DbErrorKind.NotFound, $"{what} '{key}' not found");

    /// <summary>A store's answer for a write whose <paramref name="field"/> names no row: kind <see cref="DbErrorKind.ForeignKey"/>, <see cref="Reference"/> set.</summary>
    public static CompozyDataException MissingReference(string field, string message, Exception? innerException = null) =>
        new(field, message, innerException);

    /// <summary>A store's refusal of an operation the row's current state does not allow.</summary>
    public static CompozyDataException Conflict(string message) => new(DbErrorKind.Conflict, message);

    /// <summary>Whether retrying the same operation later may succeed.</summary>
    public bool IsTransient => IsTransientKind(Kind);

    /// <summary>Whether an error of <paramref name="kind"/> may go away when the same operation is retried later.</summary>
    internal static bool IsTransientKind(DbErrorKind kind) => kind is DbErrorKind.Busy or DbErrorKind.ConnectionFailed or DbErrorKind.Timeout;
}
