using System.Text.Json.Serialization;

namespace Compozy.Data.Knowledge;

/// <summary>How a knowledge base compares embeddings, and what a search result's score means.</summary>
public enum VectorMetric
{
    /// <summary>Cosine similarity, from -1 to 1; higher is closer.</summary>
    [JsonStringEnumMemberName("cosine")]
    Cosine,

    /// <summary>Euclidean (L2) distance, 0 or more; lower is closer.</summary>
    [JsonStringEnumMemberName("l2")]
    L2,

    /// <summary>Inner (dot) product; higher is closer.</summary>
    [JsonStringEnumMemberName("dot")]
    Dot,
}
