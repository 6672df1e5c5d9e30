namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>Range</c>: used with equal bounds to compare a number by value, integer or not.</summary>
internal sealed class RangeBody
{
    public double? Gte { get; init; }

    public double? Lte { get; init; }
}
