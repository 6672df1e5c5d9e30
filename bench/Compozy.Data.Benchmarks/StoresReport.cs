namespace Compozy.Data.Benchmarks;

/// <summary>
/// The result of <c>stores</c>, as written to its JSON file. <c>Postgres</c> names the PostgreSQL
/// server measured (host:port and version), or says why it was not.
/// </summary>
internal sealed record StoresReport(
    string Benchmark,
    BenchEnvironment Environment,
    string Postgres,
    string LoadAverageAtEnd,
    double? CpuPressurePercent,
    double WarmUpSeconds,
    double WindowSeconds,
    int WindowsPerScenario,
    IReadOnlyList<LoadMeasurement> Measurements,
    IReadOnlyList<Ratio> Ratios,
    IReadOnlyList<TargetReading> Targets);
