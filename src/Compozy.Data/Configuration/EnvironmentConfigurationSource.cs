using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>
/// Maps Compozy's environment variables (<c>DB_DRIVER</c>, <c>DB_PATH</c>, ...) onto their keys.
/// Only the variables named in the catalog are read; an empty variable counts as unset.
/// </summary>
public sealed class EnvironmentConfigurationSource : IConfigurationSource
{
    /// <summary>The keys whose variables are read.</summary>
    public required IReadOnlyList<ConfigurationKey> Keys { get; init; }

    /// <summary>Reads a variable; defaults to the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

    private sealed class Provider(EnvironmentConfigurationSource source) : ConfigurationProvider, IConfigurationValueOrigin
    {
        private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<ConfigurationProblem> LoadProblems => [];

        public string? DescribeOrigin(string configurationPath) =>
            _origins.TryGetValue(configurationPath, out var origin) ? origin : null;

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _origins.Clear();
            foreach (var key in source.Keys)
            {
                var variables = key.EnvironmentAliases.Zip(key.AliasConfigurationPaths).Prepend((key.EnvironmentVariable, key.ConfigurationPath));
                foreach (var (variable, path) in variables)
                {
                    var value = source.GetEnvironmentVariable(variable);
                    if (!string.IsNullOrEmpty(value))
                    {
                        data[path] = value;
                        _origins[path] = $"environment variable {variable}";
                    }
                }
            }

            Data = data;
        }
    }
}
