namespace Compozy.Data.Configuration;

/// <summary>
/// Implemented by Compozy's configuration providers so that an error can say where a bad value
/// came from, and so that problems found while loading (malformed YAML, an unset
/// <c>${VAR}</c>) are reported together with every other problem.
/// </summary>
public interface IConfigurationValueOrigin
{
    /// <summary>Where the value of <paramref name="configurationPath"/> came from, or <see langword="null"/>.</summary>
    string? DescribeOrigin(string configurationPath);

    /// <summary>Problems found while loading this source.</summary>
    IReadOnlyList<ConfigurationProblem> LoadProblems { get; }
}
