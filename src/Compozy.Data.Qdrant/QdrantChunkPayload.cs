using System.Text.Json;
using Compozy.Data.Knowledge;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The payload of every point the store writes: which knowledge base, document and chunk it is,
/// the chunk's text and its metadata object. <c>knowledge_base</c> and <c>document_id</c> carry
/// keyword indexes because every search and delete filters on them.
/// </summary>
internal static class QdrantChunkPayload
{
    public const string KnowledgeBaseKey = "knowledge_base";

    public const string DocumentIdKey = "document_id";

    public const string ChunkIdKey = "chunk_id";

    public const string TextKey = "text";

    public const string MetadataKey = "metadata";

    /// <summary>Fills <paramref name="payload"/> for <paramref name="chunk"/>; metadata that is not an object is left out.</summary>
    public static void Write(MapField<string, Value> payload, string knowledgeBase, VectorChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(chunk);
        payload[KnowledgeBaseKey] = knowledgeBase;
        payload[DocumentIdKey] = chunk.DocumentId;
        payload[ChunkIdKey] = chunk.Id;
        payload[TextKey] = chunk.Text;
        if (chunk.Metadata is { ValueKind: JsonValueKind.Object } metadata)
        {
            payload[MetadataKey] = QdrantJsonValues.ToValue(metadata);
        }
    }

    /// <summary>The chunk id, document id, text and metadata of a hit, or <see langword="null"/> when it lacks the ids Compozy writes.</summary>
    public static (string ChunkId, string DocumentId, string Text, JsonElement? Metadata)? Read(MapField<string, Value> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!payload.TryGetValue(ChunkIdKey, out var chunkId) || chunkId.KindCase != Value.KindOneofCase.StringValue
            || !payload.TryGetValue(DocumentIdKey, out var documentId) || documentId.KindCase != Value.KindOneofCase.StringValue)
        {
            return null;
        }

        var text = payload.TryGetValue(TextKey, out var textValue) && textValue.KindCase == Value.KindOneofCase.StringValue ? textValue.StringValue : string.Empty;
        JsonElement? metadata = payload.TryGetValue(MetadataKey, out var metadataValue) && metadataValue.KindCase == Value.KindOneofCase.StructValue
            ? QdrantJsonValues.ToJson(metadataValue)
            : null;
        return (chunkId.StringValue, documentId.StringValue, text, metadata);
    }
}
