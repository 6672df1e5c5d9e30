using System.Text.Json;

namespace Compozy.Data.Qdrant.Rest;

/// <summary>The part of <c>CollectionParams</c> the store checks.</summary>
internal sealed class CollectionParamsResult
{
    /// <summary>
    /// <c>VectorsConfig</c>: either one unnamed vector (<c>{"size": 4, "distance": "Cosine"}</c>) or
    /// a map of named vectors, so it is kept raw and told apart by <see cref="QdrantCollectionShape"/>.
    /// </summary>
    public JsonElement? Vectors { get; set; }
}
