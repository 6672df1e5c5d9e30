namespace Compozy.Data.Knowledge;

/// <summary>What went wrong in a vector store, independent of the provider.</summary>
public enum VectorStoreErrorKind
{
    /// <summary>The store could not be reached, or the connection broke.</summary>
    Unavailable,

    /// <summary>The store refused the credentials (an API key).</summary>
    Unauthorized,

    /// <summary>The store did not answer in time.</summary>
    Timeout,

    /// <summary>The store refused the request as invalid (a bug, or a schema it does not accept).</summary>
    InvalidRequest,

    /// <summary>What exists in the store does not match the configuration (another dimension or metric).</summary>
    Mismatch,

    /// <summary>The collection or knowledge base does not exist in the store.</summary>
    NotFound,

    /// <summary>The store is overloaded or rate-limits the caller, and kept doing so after retries.</summary>
    Throttled,

    /// <summary>The store's disk (or quota) is full: nothing more can be written until space is freed.</summary>
    StorageFull,

    /// <summary>Anything else the store reported.</summary>
    Unknown,
}
