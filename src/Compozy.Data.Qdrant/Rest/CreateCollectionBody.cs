namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>CreateCollection</c> (<c>PUT /collections/{name}</c>): one unnamed vector per point.</summary>
internal sealed class CreateCollectionBody
{
    public required VectorParamsBody Vectors { get; init; }
}
