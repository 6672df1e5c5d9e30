using Compozy.Data.Errors;

namespace Compozy.Data.Knowledge;

/// <summary>
/// The one translation of database errors for the vector stores that live in a relational database
/// (the embedded store in SQLite, pgvector in PostgreSQL): what escapes an operation becomes a
/// <see cref="VectorStoreException"/> whose kind follows the provider's
/// <see cref="IDbErrorClassifier"/>, named after <see cref="Store"/>.
/// </summary>
/// <param name="store">The store's name in messages (<see cref="VectorStoreException.Store"/>).</param>
/// <param name="classifier">The database provider's classifier.</param>
/// <param name="specific">
/// The store's own translation of errors only it knows (a missing extension, a value its type
/// refuses), tried first; <see langword="null"/> from it means "translate as any database error".
/// </param>
public sealed class RelationalVectorStoreErrors(string store, IDbErrorClassifier classifier, Func<Exception, string, VectorStoreException?>? specific = null)
{
    /// <summary>The store's name in messages.</summary>
    public string Store { get; } = store;

    /// <summary>
    /// Runs <paramref name="action"/> as <paramref name="operation"/> (words for the message:
    /// <c>searching knowledge base 'docs'</c>), translating its failures. Cancellation by the
    /// caller and <see cref="VectorStoreException"/> pass through unchanged.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
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

    /// <inheritdoc cref="RunAsync{T}(string, Func{CancellationToken, Task{T}}, CancellationToken)"/>
    public Task RunAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RunAsync<bool>(
            operation,
            async token =>
            {
                await action(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>A failure of this store, named after it.</summary>
    public VectorStoreException Create(VectorStoreErrorKind kind, string problem, Exception? inner = null) => new(kind, Store, problem, inner);

    /// <summary>What <paramref name="exception"/>, escaping <paramref name="operation"/>, becomes.</summary>
    public VectorStoreException Translate(Exception exception, string operation)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (specific?.Invoke(exception, operation) is { } translated)
        {
            return translated;
        }

        var classification = classifier.Classify(exception);
        var cause = Innermost(exception).Message;
        return classification?.Kind switch
        {
            DbErrorKind.ConnectionFailed => Create(VectorStoreErrorKind.Unavailable, $"{operation} failed: the database could not be reached: {cause}", exception),
            DbErrorKind.ReadOnly => Create(VectorStoreErrorKind.Unavailable, $"{operation} failed: the database is read-only: {cause}", exception),
            DbErrorKind.Timeout => Create(VectorStoreErrorKind.Timeout, $"{operation} got no answer in time: {cause}", exception),
            DbErrorKind.AuthFailed => Create(VectorStoreErrorKind.Unauthorized, $"{operation} failed: the database refused the credentials", exception),
            DbErrorKind.Check or DbErrorKind.ForeignKey or DbErrorKind.UniqueConflict => Create(VectorStoreErrorKind.InvalidRequest, $"{operation} was refused: {cause}", exception),
            DbErrorKind.Busy => Create(VectorStoreErrorKind.Throttled, $"{operation} failed: the database stayed busy: {cause}", exception),
            DbErrorKind.DiskFull => Create(VectorStoreErrorKind.StorageFull, $"{operation} failed: the disk is full: {cause}", exception),
            _ => Create(VectorStoreErrorKind.Unknown, $"{operation} failed: {cause}", exception),
        };
    }

    /// <summary>
    /// The database (or argument) exception nearest the cause, whose message says what happened:
    /// EF wraps the provider's in retry and update exceptions.
    /// </summary>
    private static Exception Innermost(Exception exception)
    {
        var innermost = exception;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Data.Common.DbException or ArgumentException)
            {
                innermost = current;
            }
        }

        return innermost;
    }
}
