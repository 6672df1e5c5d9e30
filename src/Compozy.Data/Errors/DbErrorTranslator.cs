using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Compozy.Data.Errors;

/// <summary>
/// Turns a provider exception into a <see cref="CompozyDataException"/> with a message a user can
/// act on, and logs the technical detail (provider code and text) once.
/// </summary>
public sealed partial class DbErrorTranslator(IDbErrorClassifier classifier, ILogger<DbErrorTranslator> logger)
{
    /// <summary>
    /// The translation of <paramref name="exception"/> raised by <paramref name="operation"/>, or
    /// <see langword="null"/> when it is not a database error (let it propagate as it is).
    /// </summary>
    public CompozyDataException? Translate(Exception exception, string operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is CompozyDataException already)
        {
            return already;
        }

        DbErrorClassification? classification = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => new(DbErrorKind.Cancelled, "cancelled"),
            _ => classifier.Classify(exception),
        };
        if (classification is null)
        {
            return null;
        }

        // A statement stopped by the caller's token reads as a timeout to the provider.
        if (classification.Kind == DbErrorKind.Timeout && cancellationToken.IsCancellationRequested)
        {
            classification = classification with { Kind = DbErrorKind.Cancelled };
        }

        var technical = Innermost(exception);
        LogTranslated(operation, classification.Kind, classification.Code, technical.GetType().Name, technical.Message);
        return new CompozyDataException(classification.Kind, Describe(operation, classification), exception, classification.Constraint);
    }

    private static string Describe(string operation, DbErrorClassification classification)
    {
        var what = classification.Constraint is { } constraint ? $" ({constraint})" : string.Empty;
        return classification.Kind switch
        {
            DbErrorKind.NotFound => $"{operation}: not found",
            DbErrorKind.UniqueConflict => $"{operation}: a record with the same key already exists{what}",
            DbErrorKind.ForeignKey => $"{operation}: it refers to a record that does not exist, or is referred to by one that does{what}",
            DbErrorKind.Check => $"{operation}: the values break a rule of the schema{what}",
            DbErrorKind.Conflict => $"{operation}: the current state does not allow it",
            DbErrorKind.Busy => $"{operation}: the database is busy (another connection or process holds a lock); try again",
            DbErrorKind.ReadOnly => $"{operation}: the database is read-only",
            DbErrorKind.DiskFull => $"{operation}: the disk is full; free space and try again (nothing was written)",
            DbErrorKind.Corrupt => $"{operation}: the database is damaged; stop the host and run compozy db status --check full",
            DbErrorKind.ConnectionFailed => $"{operation}: the database cannot be reached",
            DbErrorKind.AuthFailed => $"{operation}: the database refused the credentials",
            DbErrorKind.Timeout => $"{operation}: the database did not answer in time",
            DbErrorKind.Cancelled => $"{operation}: cancelled",
            _ => $"{operation}: the database reported an error (code {classification.Code})",
        };
    }

    private static Exception Innermost(Exception exception)
    {
        if (exception is DbUpdateException { InnerException: { } inner })
        {
            exception = inner;
        }

        return exception;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Operation} failed: {Kind} (code {Code}): {ExceptionType}: {Detail}")]
    private partial void LogTranslated(string operation, DbErrorKind kind, string code, string exceptionType, string detail);
}
