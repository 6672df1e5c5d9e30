using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// Change-tracking comparer for JSON payloads: two elements are equal when they are
/// structurally equal, so re-reading a normalised <c>jsonb</c> value does not mark it modified.
/// </summary>
public sealed class JsonElementComparer : ValueComparer<JsonElement>
{
    /// <summary>Creates the comparer.</summary>
    public JsonElementComparer()
        : base(
            (left, right) => JsonElement.DeepEquals(left, right),
            // A cast rather than GetHashCode on the enum: the compiled models copy this lambda as
            // C#, which boxes the enum for GetHashCode, and the staleness tests compare the two.
            value => (int)value.ValueKind,
            value => value.Clone())
    {
    }
}
