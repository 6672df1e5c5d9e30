namespace Compozy.Data.Benchmarks;

/// <summary>The HNSW search of one knowledge base at one <c>ef_search</c>, against the exact scan of the same queries.</summary>
/// <param name="EfSearch">The store's <c>ef_search</c> option (pgvector's default is 40).</param>
/// <param name="RecallAt10">Mean share of the exact top 10 that the HNSW search returned.</param>
/// <param name="MinRecall">The worst query's share.</param>
/// <param name="P50Us">Median latency of <c>PgVectorStore.SearchAsync</c>, microseconds, end to end (context, transaction, SET LOCAL, query, rows).</param>
/// <param name="P99Us">99th percentile of the same.</param>
/// <param name="ExactOverHnsw">Median exact latency over this median: how many times faster the index answers.</param>
internal sealed record HnswMeasurement(int EfSearch, double RecallAt10, double MinRecall, double P50Us, double P99Us, double ExactOverHnsw);
