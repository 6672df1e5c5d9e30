using System.ComponentModel.DataAnnotations;
using Compozy.Data.Knowledge;

namespace Compozy.Api.Requests.Bodies;

/// <summary>A knowledge base to create, or to find as it is (<c>PUT /knowledge/{kb}</c>).</summary>
/// <remarks>For the OpenAPI document only; the endpoint reads the body with <see cref="JsonRequest"/>.</remarks>
internal sealed class KnowledgeBaseBody
{
    /// <summary>The embeddings' dimension, at most what the vector database's provider takes (2000 with pgvector).</summary>
    [Range(1, KnowledgeLimits.MaxDimension)]
    public required int Dimension { get; init; }

    /// <summary>The similarity metric; the vector database's when left out.</summary>
    public VectorMetric? Metric { get; init; }

    /// <summary>The id of an entry of <c>knowledge.vector_dbs</c>; the default vector database when left out.</summary>
    public string? VectorDb { get; init; }
}
