namespace Compozy.Data.Knowledge;

/// <summary>A knowledge base as a vector store sees it.</summary>
/// <param name="Name">Its name: 1 to 128 characters of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
/// <param name="VectorDbId">The <c>knowledge.vector_dbs</c> entry that stores its chunks.</param>
/// <param name="Dimension">The length of every embedding.</param>
/// <param name="Metric">How embeddings are compared.</param>
public sealed record KnowledgeBaseDefinition(string Name, string VectorDbId, int Dimension, VectorMetric Metric);
