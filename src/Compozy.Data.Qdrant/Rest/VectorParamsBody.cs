namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>VectorParams</c>: the size and distance of the collection's single unnamed vector.</summary>
internal sealed class VectorParamsBody
{
    public long Size { get; set; }

    public string? Distance { get; set; }
}
