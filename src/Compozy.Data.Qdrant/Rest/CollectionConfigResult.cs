namespace Compozy.Data.Qdrant.Rest;

/// <summary>The part of <c>CollectionConfig</c> the store checks.</summary>
internal sealed class CollectionConfigResult
{
    public CollectionParamsResult? Params { get; set; }
}
