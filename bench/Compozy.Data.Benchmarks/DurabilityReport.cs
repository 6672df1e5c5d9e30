namespace Compozy.Data.Benchmarks;

/// <summary>The result of <c>sqlite-durability</c>, as written to its JSON file.</summary>
internal sealed record DurabilityReport(
    string Benchmark,
    BenchEnvironment Environment,
    string LoadAverageAtEnd,
    double? CpuPressurePercent,
    double WarmUpSeconds,
    double WindowSeconds,
    int WindowsPerScenario,
    IReadOnlyList<CommitMeasurement> Measurements,
    IReadOnlyList<Ratio> Ratios);
