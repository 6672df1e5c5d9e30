using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>Values given as command-line flags; the highest-precedence source.</summary>
public sealed class CommandLineConfigurationSource : IConfigurationSource
{
    /// <summary>Flag values by key, with the flag spelling used for error messages.</summary>
    public required IReadOnlyList<FlagValue> Values { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(Values);

    /// <summary>One flag given on the command line.</summary>
    /// <param name="Key">The key the flag sets.</param>
    /// <param name="Flag">The flag as typed, for example <c>--db-port</c>.</param>
    /// <param name="Value">Its raw value.</param>
    public sealed record FlagValue(ConfigurationKey Key, string Flag, string Value);

    private sealed class Provider(IReadOnlyList<FlagValue> values) : ConfigurationProvider, IConfigurationValueOrigin
    {
        private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<ConfigurationProblem> LoadProblems => [];

        public string? DescribeOrigin(string configurationPath) =>
            _origins.TryGetValue(configurationPath, out var origin) ? origin : null;

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var value in values)
            {
                data[value.Key.ConfigurationPath] = value.Value;
                _origins[value.Key.ConfigurationPath] = $"flag {value.Flag}";
            }

            Data = data;
        }
    }
}
