using System.Text.Json;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A similarity search in a knowledge base (<c>POST /knowledge/{kb}/search</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class SearchBody
{
    /// <summary>The query's embedding, of the knowledge base's dimension.</summary>
    public required IReadOnlyList<float> Embedding { get; init; }

    /// <summary>How many chunks to answer: 1 to the vector database's <c>options.max_top_k</c> (default 100); 10 when left out.</summary>
    public int? TopK { get; init; }

    /// <summary>Metadata values a chunk must have, by key: a JSON object.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Filter { get; init; }
}
