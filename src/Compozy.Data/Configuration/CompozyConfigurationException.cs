namespace Compozy.Data.Configuration;

/// <summary>
/// The configuration is invalid. Thrown before any file, directory or connection is created;
/// <see cref="Problems"/> lists every problem found, not only the first.
/// </summary>
public sealed class CompozyConfigurationException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/>.</summary>
    public CompozyConfigurationException(IReadOnlyList<ConfigurationProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a single message.</summary>
    public CompozyConfigurationException(string message)
        : this([new ConfigurationProblem("(configuration)", message)])
    {
    }

    /// <summary>Creates an exception with a single message.</summary>
    public CompozyConfigurationException()
        : this("the configuration is invalid")
    {
    }

    /// <summary>Creates an exception with a single message and a cause.</summary>
    public CompozyConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ConfigurationProblem("(configuration)", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; }

    private static string Format(IReadOnlyList<ConfigurationProblem> problems) =>
        $"configuration is invalid ({problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}):"
        + string.Concat(problems.Select(problem => $"{Environment.NewLine}  {problem}"));
}
