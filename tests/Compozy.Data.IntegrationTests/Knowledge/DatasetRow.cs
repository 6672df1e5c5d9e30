using System.Text.Json;
using Compozy.Data.Knowledge;

namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>One generated chunk, with the metadata fields the tests filter on kept as plain values.</summary>
internal sealed record DatasetRow(string Id, string DocumentId, float[] Embedding, string Group, bool Even, int Bucket)
{
    public JsonElement Metadata => JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["group"] = Group, ["even"] = Even, ["bucket"] = Bucket });

    public VectorChunk ToChunk() => new(Id, DocumentId, $"text of {Id}", Embedding, Metadata);
}
