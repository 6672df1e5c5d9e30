namespace Compozy.Data.Knowledge;

/// <summary>The sizes the knowledge store accepts.</summary>
public static class KnowledgeLimits
{
    /// <summary>The longest knowledge base name.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The longest chunk or document id.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The most chunks one write may carry.</summary>
    public const int MaxChunksPerWrite = 1000;

    /// <summary>The largest embedding dimension (pgvector's limit for a column; its HNSW index takes at most 2,000).</summary>
    public const int MaxDimension = 16_000;
}
