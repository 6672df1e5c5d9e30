namespace Compozy.Data.Benchmarks;

/// <summary>One pgvector knowledge base: how it was filled, its exact scan and its HNSW searches.</summary>
/// <param name="Dataset"><c>uniform</c> or <c>clustered</c> (see <see cref="VectorDataset"/>).</param>
/// <param name="Count">Chunks.</param>
/// <param name="Dimension">Values per embedding (cosine).</param>
/// <param name="Centroids">Clusters of a clustered dataset (0 for uniform).</param>
/// <param name="InsertSeconds">Time to write the chunks through <c>IKnowledgeStore</c>, 1,000 per call, into the knowledge base's HNSW index built as rows arrive.</param>
/// <param name="HnswPlan">The top of <c>EXPLAIN</c> of the HNSW search: shows the index is used.</param>
/// <param name="Queries">Timed queries (after 2 untimed ones), each run exactly and at every <c>ef_search</c> in turn.</param>
/// <param name="ExactP50Us">Median latency of <c>PgVectorStore.SearchExactAsync</c> (a sequential scan), microseconds.</param>
/// <param name="ExactP99Us">99th percentile of the same.</param>
/// <param name="Hnsw">The HNSW searches, one per <c>ef_search</c>.</param>
internal sealed record PgVectorMeasurement(
    string Dataset,
    int Count,
    int Dimension,
    int Centroids,
    double InsertSeconds,
    string HnswPlan,
    int Queries,
    double ExactP50Us,
    double ExactP99Us,
    IReadOnlyList<HnswMeasurement> Hnsw);
