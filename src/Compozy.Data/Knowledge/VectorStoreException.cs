namespace Compozy.Data.Knowledge;

/// <summary>A vector store operation failed; the message names the vector database and says what to do.</summary>
public sealed class VectorStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VectorStoreException(VectorStoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

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
}
