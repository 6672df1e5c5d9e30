namespace Compozy.Data.Benchmarks;

/// <summary>
/// Linux pressure stall information for the CPU (<c>/proc/pressure/cpu</c>, "some"): the share of
/// time in which at least one runnable task waited for a core. The benchmarks themselves run one
/// busy thread on a 2-core machine, so a high share means other work competed with the run and
/// its absolute numbers (less so its ratios) are pessimistic.
/// </summary>
internal sealed class CpuPressure
{
    private const string Source = "/proc/pressure/cpu";
    private readonly long? _startStall = ReadStallMicroseconds();
    private readonly DateTime _startTime = DateTime.UtcNow;

    /// <summary>Percent of the time since this object was created, or <see langword="null"/> where the kernel does not report it.</summary>
    public double? PercentSinceStart()
    {
        var end = ReadStallMicroseconds();
        var elapsed = (DateTime.UtcNow - _startTime).TotalMilliseconds * 1000;
        return end is null || _startStall is null || elapsed <= 0 ? null : Math.Round((end.Value - _startStall.Value) * 100 / elapsed, 1);
    }

    private static long? ReadStallMicroseconds()
    {
        if (!File.Exists(Source))
        {
            return null;
        }

        // "some avg10=1.00 avg60=2.00 avg300=3.00 total=123456"
        var some = File.ReadLines(Source).FirstOrDefault(line => line.StartsWith("some ", StringComparison.Ordinal));
        var total = some?.Split(' ').FirstOrDefault(field => field.StartsWith("total=", StringComparison.Ordinal));
        return total is not null && long.TryParse(total["total=".Length..], out var value) ? value : null;
    }
}
