namespace Compozy.Data.Benchmarks;

/// <summary>The result of <c>knowledge-search</c>, as written to its JSON file.</summary>
internal sealed record KnowledgeSearchReport(
    string Benchmark,
    bool Quick,
    BenchEnvironment Environment,
    string LoadAverageAtEnd,
    double? CpuPressurePercent,
    int TopK,
    IReadOnlyList<ExactSearchMeasurement> Exact,
    IReadOnlyList<StoreLoadMeasurement> Store,
    string? PostgresServer,
    string? PgVectorSkipped,
    IReadOnlyList<PgVectorMeasurement> PgVector,
    IReadOnlyList<Ratio> Ratios);
