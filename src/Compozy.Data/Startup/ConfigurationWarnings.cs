using Compozy.Data.Configuration;

namespace Compozy.Data.Startup;

/// <summary>Warnings found while validating the configuration, logged when the host starts.</summary>
/// <param name="Warnings">The warnings.</param>
public sealed record ConfigurationWarnings(IReadOnlyList<ConfigurationProblem> Warnings);
