namespace Compozy.Data.Entities;

/// <summary>A document of a knowledge base held in the database (pgvector and embedded stores); its chunks go with it.</summary>
public sealed class KnowledgeDocument
{
    /// <summary>The knowledge base it belongs to.</summary>
    public required string KnowledgeBaseName { get; set; }

    /// <summary>The id, unique within the knowledge base.</summary>
    public required string Id { get; set; }

    /// <summary>When its first chunk was written (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When its chunks last changed (UTC).</summary>
    public DateTime UpdatedAt { get; set; }
}
