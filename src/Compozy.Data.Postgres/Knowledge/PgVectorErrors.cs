using Compozy.Data.Configuration;
using Compozy.Data.Errors;
using Compozy.Data.Knowledge;
using Npgsql;

namespace Compozy.Data.Postgres.Knowledge;

/// <summary>
/// The pgvector store's error translation: the core's <see cref="RelationalVectorStoreErrors"/>,
/// after what only pgvector reports (a missing <c>vector</c> type, a value the type refuses).
/// </summary>
internal static class PgVectorErrors
{
    /// <summary>SQLSTATE class 22, data exceptions: what pgvector raises for a value it refuses.</summary>
    private const string DataExceptionClass = "22";

    /// <summary><c>undefined_object</c>: among others, <c>type "vector" does not exist</c>.</summary>
    private const string UndefinedObject = "42704";

    public static RelationalVectorStoreErrors For(VectorDatabaseOptions entry, IDbErrorClassifier classifier)
    {
        var store = $"{entry.DisplayPath} (pgvector in the PostgreSQL database)";
        return new RelationalVectorStoreErrors(store, classifier, (exception, operation) => Specific(store, exception, operation));
    }

    private static VectorStoreException? Specific(string store, Exception exception, string operation)
    {
        var postgres = Find<PostgresException>(exception);
        if (postgres?.SqlState == UndefinedObject)
        {
            return new VectorStoreException(
                VectorStoreErrorKind.Unavailable,
                store,
                $"{operation} failed: {postgres.MessageText}. The pgvector extension is missing from the database: run `compozy migrate up`, " +
                "or have an administrator install pgvector on the server and run CREATE EXTENSION vector",
                exception);
        }

        if (postgres?.SqlState.StartsWith(DataExceptionClass, StringComparison.Ordinal) == true)
        {
            return new VectorStoreException(VectorStoreErrorKind.InvalidRequest, store, $"{operation} was refused: {postgres.MessageText}", exception);
        }

        return Find<ArgumentException>(exception) is { } argument
            ? new VectorStoreException(VectorStoreErrorKind.InvalidRequest, store, $"{operation} was refused: {argument.Message}", exception)
            : null;
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
}
