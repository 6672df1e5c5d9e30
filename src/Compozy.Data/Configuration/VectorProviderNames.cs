namespace Compozy.Data.Configuration;

/// <summary>Vector database provider names accepted in <c>knowledge.vector_dbs[].provider</c>.</summary>
public static class VectorProviderNames
{
    /// <summary>PostgreSQL's pgvector extension, in the main database.</summary>
    public const string PgVector = "pgvector";

    /// <summary>A Qdrant server over REST.</summary>
    public const string Qdrant = "qdrant";

    /// <summary>Every provider name.</summary>
    public static IReadOnlyList<string> All { get; } = [PgVector, Qdrant];
}
