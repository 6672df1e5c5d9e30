using System.Text.Json;

namespace Compozy.Data.Entities;

/// <summary>
/// A chunk of a document with its embedding, held in the database (pgvector: a <c>vector</c>
/// column; embedded store on SQLite: float32 little-endian bytes).
/// </summary>
public sealed class KnowledgeChunk
{
    /// <summary>The knowledge base it belongs to.</summary>
    public required string KnowledgeBaseName { get; set; }

    /// <summary>The id, unique within the knowledge base.</summary>
    public required string Id { get; set; }

    /// <summary>Its document, in the same knowledge base.</summary>
    public required string DocumentId { get; set; }

    /// <summary>The text the embedding was computed from.</summary>
    public required string Text { get; set; }

    /// <summary>A JSON object that search filters match on, or <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; set; }

    /// <summary>The embedding: finite values, as many as the knowledge base's dimension.</summary>
    public required float[] Embedding { get; set; }

    /// <summary>When it was first written (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When it was last written (UTC).</summary>
    public DateTime UpdatedAt { get; set; }
}
