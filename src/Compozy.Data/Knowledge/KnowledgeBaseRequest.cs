namespace Compozy.Data.Knowledge;

/// <summary>What <see cref="IKnowledgeStore.PutKnowledgeBaseAsync"/> creates or verifies.</summary>
/// <param name="Name">1 to 128 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</param>
/// <param name="Dimension">The embedding length; must equal the vector database's, when it sets one.</param>
/// <param name="Metric">The metric; <see langword="null"/> for the vector database's.</param>
/// <param name="VectorDbId">The <c>knowledge.vector_dbs</c> id; <see langword="null"/> for the only (or default) one.</param>
public sealed record KnowledgeBaseRequest(string Name, int Dimension, VectorMetric? Metric = null, string? VectorDbId = null);
