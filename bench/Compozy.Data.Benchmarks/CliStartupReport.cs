namespace Compozy.Data.Benchmarks;

/// <summary>The result of <c>cli-startup</c>, as written to its JSON file.</summary>
/// <param name="Benchmark">Always <c>cli-startup</c>.</param>
/// <param name="Environment">The machine, and the temporary directory holding the database.</param>
/// <param name="Cli">The <c>compozy</c> executable measured.</param>
/// <param name="CliPublishedByRun">Whether this run published it (Release) because no <c>--cli</c> was given.</param>
/// <param name="LoadAverageAtEnd">Load averages when the run ended.</param>
/// <param name="CpuPressurePercent">CPU pressure over the measured rounds (<see cref="CpuPressure"/>).</param>
/// <param name="Runs">Measured rounds (one of each measurement per round), after one untimed warm-up round.</param>
/// <param name="ReadyPollMilliseconds">Interval between two <c>/readyz</c> requests: the resolution of <c>start ready</c>'s wall time.</param>
/// <param name="ClockTicksPerSecond">The unit of the running <c>start</c> child's CPU time at ready (from <c>/proc/&lt;pid&gt;/stat</c>).</param>
/// <param name="Timings">Each measurement's runs.</param>
/// <param name="Ratios">Medians over the <c>--help</c> baseline's (time over time: above 1 is slower), minimums as the best value.</param>
/// <param name="Targets">Issue 13's start-up targets beside the figures, not asserted.</param>
internal sealed record CliStartupReport(
    string Benchmark,
    BenchEnvironment Environment,
    string Cli,
    bool CliPublishedByRun,
    string LoadAverageAtEnd,
    double? CpuPressurePercent,
    int Runs,
    int ReadyPollMilliseconds,
    long ClockTicksPerSecond,
    IReadOnlyList<CliTiming> Timings,
    IReadOnlyList<Ratio> Ratios,
    IReadOnlyList<TargetReading> Targets);
