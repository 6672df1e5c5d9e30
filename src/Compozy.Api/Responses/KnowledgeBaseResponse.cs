using Compozy.Data.Entities;
using Compozy.Data.Knowledge;

namespace Compozy.Api.Responses;

/// <summary>A knowledge base as the API shows it.</summary>
public sealed record KnowledgeBaseResponse(string Name, string VectorDb, int Dimension, VectorMetric Metric, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>The response of a stored knowledge base.</summary>
    public static KnowledgeBaseResponse From(KnowledgeBase knowledgeBase)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        return new(knowledgeBase.Name, knowledgeBase.VectorDbId, knowledgeBase.Dimension, knowledgeBase.Metric, knowledgeBase.CreatedAt, knowledgeBase.UpdatedAt);
    }
}
