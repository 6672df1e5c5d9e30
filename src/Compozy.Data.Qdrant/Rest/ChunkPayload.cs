using System.Text.Json;

namespace Compozy.Data.Qdrant.Rest;

/// <summary>
/// The payload of every point the store writes: which knowledge base, document and chunk it is,
/// the chunk's text and its metadata object. <c>knowledge_base</c> and <c>document_id</c> carry
/// keyword indexes because every search and delete filters on them.
/// </summary>
internal sealed class ChunkPayload
{
    public const string KnowledgeBaseKey = "knowledge_base";

    public const string DocumentIdKey = "document_id";

    public const string MetadataKey = "metadata";

    public string? KnowledgeBase { get; set; }

    public string? DocumentId { get; set; }

    public string? ChunkId { get; set; }

    public string? Text { get; set; }

    public JsonElement? Metadata { get; set; }
}
