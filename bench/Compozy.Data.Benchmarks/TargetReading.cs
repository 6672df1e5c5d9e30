namespace Compozy.Data.Benchmarks;

/// <summary>
/// A target of issue 4 or 13 next to the figure measured for it. Only read, never asserted: the run's
/// exit code does not depend on it.
/// </summary>
/// <param name="Target">The target as the issue states it.</param>
/// <param name="Measured">What was measured for it, in words and figures.</param>
/// <param name="Met">Whether the measured figure is on the target's side of its bound in this run.</param>
internal sealed record TargetReading(string Target, string Measured, bool Met);
