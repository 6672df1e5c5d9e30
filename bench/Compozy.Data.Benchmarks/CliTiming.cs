namespace Compozy.Data.Benchmarks;

/// <summary>Every run of one <c>cli-startup</c> measurement, each a fresh <c>compozy</c> process.</summary>
/// <param name="Measurement"><c>--help</c>, <c>migrate status</c> or <c>start ready</c>.</param>
/// <param name="Command">The command line, without the executable's path.</param>
/// <param name="WallMilliseconds">Every run, in order: from starting the process to its exit (to the first 200 from <c>/readyz</c> for <c>start ready</c>).</param>
/// <param name="CpuMilliseconds">Every run, in order: the child's user + system time over the same span.</param>
/// <param name="WholeProcessCpuMilliseconds">
/// For <c>start ready</c> only: the child's user + system time over its whole life, shutdown after
/// SIGTERM included (exact, from <c>getrusage</c> once reaped); <see langword="null"/> otherwise.
/// </param>
internal sealed record CliTiming(
    string Measurement,
    string Command,
    IReadOnlyList<double> WallMilliseconds,
    IReadOnlyList<double> CpuMilliseconds,
    IReadOnlyList<double>? WholeProcessCpuMilliseconds)
{
    public double MinWall => WallMilliseconds.Min();

    public double MedianWall => Percentiles.Median(WallMilliseconds);

    public double MinCpu => CpuMilliseconds.Min();

    public double MedianCpu => Percentiles.Median(CpuMilliseconds);

    public double? MedianWholeProcessCpu => WholeProcessCpuMilliseconds is { Count: > 0 } whole ? Percentiles.Median(whole) : null;
}
