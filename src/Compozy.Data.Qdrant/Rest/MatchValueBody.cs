using System.Text.Json;

namespace Compozy.Data.Qdrant.Rest;

/// <summary><c>MatchValue</c>: equality with a string, a 64-bit integer or a boolean (<c>ValueVariants</c>).</summary>
internal sealed class MatchValueBody
{
    public required JsonElement Value { get; init; }
}
