namespace Compozy.Data.Qdrant.Rest;

/// <summary>The result of <c>GET /collections/{name}/exists</c> (<c>CollectionExistence</c>).</summary>
internal sealed class CollectionExistenceResult
{
    public bool Exists { get; set; }
}
