using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>
/// <c>compozy.yaml</c> as a configuration source, with <c>${VAR}</c> interpolation and the line
/// and column of every value kept for error messages.
/// </summary>
/// <remarks>Hand-written: no YAML configuration provider restores from the registry used here.</remarks>
public sealed class YamlConfigurationSource : IConfigurationSource
{
    /// <summary>Path of the YAML file. A missing file is reported as a problem, not thrown.</summary>
    public required string FilePath { get; init; }

    /// <summary>Reads environment variables for interpolation; defaults to the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new YamlConfigurationProvider(this);
}
