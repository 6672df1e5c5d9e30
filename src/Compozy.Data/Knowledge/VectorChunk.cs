using System.Text.Json;

namespace Compozy.Data.Knowledge;

/// <summary>A piece of a document with its embedding, as written to a vector store.</summary>
/// <param name="Id">Unique within the knowledge base; writing an existing id replaces that chunk.</param>
/// <param name="DocumentId">The document it belongs to; deleting the document deletes its chunks.</param>
/// <param name="Text">The text the embedding was computed from.</param>
/// <param name="Embedding">Finite float32 values, exactly the knowledge base's dimension.</param>
/// <param name="Metadata">A JSON object whose top-level keys search filters can match, or <see langword="null"/>.</param>
public sealed record VectorChunk(string Id, string DocumentId, string Text, ReadOnlyMemory<float> Embedding, JsonElement? Metadata);
