namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>PointsList</c> (<c>PUT /collections/{name}/points</c>): one batch of points.</summary>
internal sealed class UpsertPointsBody
{
    public required IReadOnlyList<PointBody> Points { get; init; }
}
