namespace Compozy.Data.Knowledge;

/// <summary>
/// A vector store operation failed. Every store throws this, and only this, for what goes wrong
/// in it: the same <see cref="Kind"/> and the same <see cref="Problem"/> for the same bad input,
/// whichever store it is (<see cref="VectorStoreInput"/> is the one set of input rules).
/// </summary>
public sealed class VectorStoreException : Exception
{
    /// <summary>
    /// Creates the exception for a failure of <paramref name="store"/>; the message is
    /// <c>store: problem</c>.
    /// </summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="store">Which store: the configuration entry and where it is, <c>knowledge.vector_dbs[0] (qdrant at http://host:6334)</c>.</param>
    /// <param name="problem">What failed and what to do, without the store's name.</param>
    /// <param name="innerException">The provider's exception.</param>
    public VectorStoreException(VectorStoreErrorKind kind, string store, string problem, Exception? innerException = null)
        : base($"{store}: {problem}", innerException)
    {
        Kind = kind;
        Store = store;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message that already names the store.</summary>
    public VectorStoreException(VectorStoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Problem = message;
    }

    /// <summary>Creates the exception.</summary>
    public VectorStoreException()
        : this(VectorStoreErrorKind.Unknown, "a vector store operation failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public VectorStoreException(string message)
        : this(VectorStoreErrorKind.Unknown, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public VectorStoreException(string message, Exception innerException)
        : this(VectorStoreErrorKind.Unknown, message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public VectorStoreErrorKind Kind { get; }

    /// <summary>Which store failed, as its messages name it; <see langword="null"/> when the message names none.</summary>
    public string? Store { get; }

    /// <summary>The message without the store's name: the same text from every store for the same failure of the same input.</summary>
    public string Problem { get; }
}
