using Compozy.Data.Knowledge;

namespace Compozy.Data.Entities;

/// <summary>A knowledge base: a named set of documents whose chunks are searched by embedding.</summary>
public sealed class KnowledgeBase
{
    /// <summary>The name, unique; letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The <c>knowledge.vector_dbs</c> entry that stores its chunks.</summary>
    public required string VectorDbId { get; set; }

    /// <summary>The length of every embedding; fixed once the knowledge base exists.</summary>
    public int Dimension { get; set; }

    /// <summary>How embeddings are compared; fixed once the knowledge base exists.</summary>
    public VectorMetric Metric { get; set; }

    /// <summary>
    /// Incremented, in the same transaction, by every change to the chunks held in the database:
    /// a cache of them (the embedded store's matrix) is current while the revision it was loaded
    /// at is, whichever process made the change.
    /// </summary>
    public long Revision { get; set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When it was last changed (UTC).</summary>
    public DateTime UpdatedAt { get; set; }
}
