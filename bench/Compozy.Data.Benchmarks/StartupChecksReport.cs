namespace Compozy.Data.Benchmarks;

/// <summary>The result of <c>startup-checks</c>, as written to its JSON file.</summary>
internal sealed record StartupChecksReport(
    string Benchmark,
    BenchEnvironment Environment,
    string LoadAverageAtEnd,
    double? CpuPressurePercent,
    LargeDatabase Database,
    int Runs,
    IReadOnlyList<CheckTiming> Timings,
    IReadOnlyList<Ratio> Ratios);
