namespace Compozy.Data.Postgres.Knowledge;

/// <summary>A knowledge base's HNSW index as the catalog describes it.</summary>
/// <param name="IsValid">False when a <c>CREATE INDEX CONCURRENTLY</c> was interrupted: the index exists but is not used, and must be rebuilt.</param>
/// <param name="AccessMethod">The index type (<c>hnsw</c>).</param>
/// <param name="Dimension">The dimension of the indexed cast (<c>vector(n)</c>).</param>
/// <param name="OperatorClass">The operator class, which fixes the metric.</param>
/// <param name="Predicate">The partial index predicate, as PostgreSQL prints it.</param>
internal sealed record PgVectorIndexState(bool IsValid, string AccessMethod, int Dimension, string OperatorClass, string? Predicate);
