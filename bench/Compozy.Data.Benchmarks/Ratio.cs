namespace Compozy.Data.Benchmarks;

/// <summary>One measurement divided by a baseline measured in the same run.</summary>
/// <param name="Name">What is divided by what, like <c>layer FULL / raw FULL</c>.</param>
/// <param name="Value">The quotient of the main figures (for rates: above 1 is faster than the baseline; for times: above 1 is slower).</param>
/// <param name="Meaning">How to read it.</param>
/// <param name="BestValue">
/// The same quotient of the best figures (fastest window, shortest run), the closest this shared
/// machine gets to an undisturbed one; <see langword="null"/> where not computed.
/// </param>
internal sealed record Ratio(string Name, double Value, string Meaning, double? BestValue = null);
