using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>Turns what escapes a pgvector store operation into a <see cref="VectorStoreException"/>, by SQLSTATE and exception type.</summary>
internal sealed class PgVectorErrors(VectorDatabaseOptions entry, IDbErrorClassifier classifier)
{
    /// <summary>SQLSTATE class 22, data exceptions: what pgvector raises for a value it refuses.</summary>
    private const string DataExceptionClass = "22";

    /// <summary><c>undefined_object</c>: among others, <c>type "vector" does not exist</c>.</summary>
    private const string UndefinedObject = "42704";

    public string Store => $"pgvector store \"{entry.Id}\" ({entry.DisplayPath})";

    /// <summary>Runs <paramref name="action"/>, translating its failures; cancellation and the store's own exceptions pass through.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not VectorStoreException and not OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw Translate(exception, operation);
        }
    }

    public VectorStoreException InvalidRequest(string message) =>
        new(VectorStoreErrorKind.InvalidRequest, $"{Store}: {message}");

    public VectorStoreException Create(VectorStoreErrorKind kind, string message, Exception? inner = null) =>
        new(kind, $"{Store}: {message}", inner);

    private VectorStoreException Translate(Exception exception, string operation)
    {
        var postgres = Find<PostgresException>(exception);
        if (postgres?.SqlState == UndefinedObject)
        {
            return Create(
                VectorStoreErrorKind.Unavailable,
                $"{operation} failed: {postgres.MessageText}. The pgvector extension is missing from the database: run `compozy migrate up`, " +
                "or have an administrator install pgvector on the server and run CREATE EXTENSION vector",
                exception);
        }

        if (postgres?.SqlState.StartsWith(DataExceptionClass, StringComparison.Ordinal) == true || Find<ArgumentException>(exception) is not null)
        {
            return Create(VectorStoreErrorKind.InvalidRequest, $"{operation} was refused: {Innermost(exception).Message}", exception);
        }

        var kind = classifier.Classify(exception)?.Kind switch
        {
            DbErrorKind.ConnectionFailed => VectorStoreErrorKind.Unavailable,
            DbErrorKind.Timeout => VectorStoreErrorKind.Timeout,
            DbErrorKind.AuthFailed => VectorStoreErrorKind.Unauthorized,
            DbErrorKind.Check or DbErrorKind.ForeignKey or DbErrorKind.UniqueConflict => VectorStoreErrorKind.InvalidRequest,
            DbErrorKind.Busy => VectorStoreErrorKind.Throttled,
            _ => VectorStoreErrorKind.Unknown,
        };
        return Create(kind, $"{operation} failed: {Innermost(exception).Message}", exception);
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The PostgreSQL or Npgsql exception nearest the cause, whose message says what happened (EF wraps it in retry and update exceptions).</summary>
    private static Exception Innermost(Exception exception) =>
        Find<PostgresException>(exception) ?? Find<NpgsqlException>(exception) as Exception ?? Find<ArgumentException>(exception) ?? exception;
}
