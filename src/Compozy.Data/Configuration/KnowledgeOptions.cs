namespace Compozy.Data.Configuration;

/// <summary>Knowledge settings (<c>knowledge.*</c>).</summary>
public sealed class KnowledgeOptions
{
    /// <summary>Configured vector databases (<c>knowledge.vector_dbs</c>), in file order.</summary>
    public IReadOnlyList<VectorDatabaseOptions> VectorDatabases { get; init; } = [];
}
