using Compozy.Data.Knowledge;
using Compozy.Data.Postgres.Knowledge;
using Compozy.Data.Qdrant;
using Compozy.Data.Sqlite.Knowledge;

namespace Compozy.Data.Hosting;

/// <summary>The vector store providers <c>knowledge.vector_dbs[].provider</c> may name.</summary>
public static class BuiltInVectorStoreProviders
{
    /// <summary>pgvector, embedded (alias filesystem) and qdrant.</summary>
    public static IReadOnlyList<IVectorStoreProvider> All { get; } =
        [new PgVectorStoreProvider(), new EmbeddedVectorStoreProvider(), new QdrantVectorStoreProvider()];
}
