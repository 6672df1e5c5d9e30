namespace Compozy.Data.Qdrant.Rest;

/// <summary>The part of <c>CollectionInfo</c> (<c>GET /collections/{name}</c>) the store checks.</summary>
internal sealed class CollectionInfoResult
{
    public string? Status { get; set; }

    public CollectionConfigResult? Config { get; set; }
}
