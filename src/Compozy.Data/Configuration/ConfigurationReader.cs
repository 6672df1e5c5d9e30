using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>
/// Reads typed values out of an <see cref="IConfiguration"/> without ever throwing on bad input:
/// each problem is recorded with the key, the offending value (masked for secrets), what is
/// allowed, and the source that supplied it, so that every error is reported at once.
/// </summary>
/// <remarks>
/// Precedence is that of the configuration root: the last provider added wins. Aliases
/// (<c>dbname</c> for <c>name</c>) are resolved per source, so an alias in the file never beats
/// the canonical key set in the environment.
/// </remarks>
public sealed class ConfigurationReader
{
    private const string Masked = "***";
    private readonly List<ConfigurationProblem> _problems = [];
    private readonly List<ConfigurationProblem> _warnings = [];

    /// <summary>Creates a reader over <paramref name="configuration"/> and collects its sources' load problems.</summary>
    public ConfigurationReader(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        if (configuration is IConfigurationRoot root)
        {
            foreach (var origin in root.Providers.OfType<IConfigurationValueOrigin>())
            {
                _problems.AddRange(origin.LoadProblems);
            }
        }
    }

    /// <summary>The configuration being read.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Errors found so far; any one of them stops the process before it touches anything.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems => _problems;

    /// <summary>Warnings found so far; logged at startup.</summary>
    public IReadOnlyList<ConfigurationProblem> Warnings => _warnings;

    /// <summary>Whether any source sets <paramref name="key"/> (or one of its aliases).</summary>
    public bool IsSet(ConfigurationKey key) => Find(key, reportConflicts: false).Value is not null;

    /// <summary>The path under which <paramref name="key"/> is set (canonical or an alias), or <see langword="null"/>.</summary>
    public string? FindSetPath(ConfigurationKey key) => Find(key, reportConflicts: false).Path;

    /// <summary>
    /// The text that applies to <paramref name="key"/>: the value of the highest source that sets it
    /// (or one of its aliases), else its default; <see langword="null"/> when neither. Not parsed,
    /// and not masked: a caller must not show it for a secret key.
    /// </summary>
    public string? ReadRawValue(ConfigurationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Find(key, reportConflicts: false).Value ?? key.Default;
    }

    /// <summary>
    /// Reads <paramref name="key"/>, falling back to its default. A bad value is recorded as a
    /// problem and <see langword="default"/> is returned; use <see cref="TryRead{T}"/> when a bad
    /// value must not be used.
    /// </summary>
    public T? Read<T>(ConfigurationKey key) => TryRead<T>(key, out var value) ? value : default;

    /// <summary>
    /// Reads <paramref name="key"/>, falling back to its default. Returns <see langword="false"/>
    /// when the key is unset with no default, or its value is bad (recorded as a problem).
    /// </summary>
    public bool TryRead<T>(ConfigurationKey key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = default;
        var found = Find(key, reportConflicts: true);
        var raw = found.Value ?? key.Default;
        if (raw is null)
        {
            return false;
        }

        if (key.Type.TryParse(raw, out var parsed, out var reason))
        {
            value = (T)parsed!;
            return true;
        }

        var shown = key.IsSecret ? Masked : $"\"{raw}\"";
        _problems.Add(new ConfigurationProblem(
            ToDisplayPath(found.Path ?? key.ConfigurationPath),
            $"{shown} {reason}; allowed: {key.Type.Allowed}",
            found.Origin ?? (found.Value is null ? "default" : null)));
        return false;
    }

    /// <summary>Reads a value that is not in the flat catalog (a list element's field).</summary>
    public T? Read<T>(string configurationPath, ConfigurationValueType type, string? defaultValue = null, bool isSecret = false)
    {
        var key = new ConfigurationKey
        {
            Path = configurationPath.Replace(':', '.'),
            EnvironmentVariable = string.Empty,
            Type = type,
            Default = defaultValue,
            IsSecret = isSecret,
            Description = string.Empty,
        };
        return Read<T>(key);
    }

    /// <summary>The raw value of <paramref name="configurationPath"/>, without parsing.</summary>
    public string? ReadRaw(string configurationPath) => Configuration[configurationPath];

    /// <summary>Where the value of <paramref name="configurationPath"/> came from, when known.</summary>
    public string? DescribeOrigin(string configurationPath)
    {
        if (Configuration is not IConfigurationRoot root)
        {
            return null;
        }

        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(configurationPath, out var value) && value is not null)
            {
                return provider is IConfigurationValueOrigin origin
                    ? origin.DescribeOrigin(configurationPath) ?? provider.ToString()
                    : provider.ToString();
            }
        }

        return null;
    }

    /// <summary>Records an error about a key (given as <c>a.b[0].c</c> or <c>a:b:0:c</c>).</summary>
    public void AddProblem(string keyPath, string message, string? origin = null) =>
        _problems.Add(new ConfigurationProblem(ToDisplayPath(keyPath), message, origin ?? DescribeOrigin(ToConfigurationPath(keyPath))));

    /// <summary>Records a warning about a key (given as <c>a.b[0].c</c> or <c>a:b:0:c</c>).</summary>
    public void AddWarning(string keyPath, string message, string? origin = null) =>
        _warnings.Add(new ConfigurationProblem(ToDisplayPath(keyPath), message, origin ?? DescribeOrigin(ToConfigurationPath(keyPath))));

    /// <summary>
    /// Reports every key set under <paramref name="section"/> that is not one of
    /// <paramref name="known"/>, with the closest known key as a hint.
    /// </summary>
    public void ReportUnknownKeys(string section, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var knownPaths = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in Configuration.GetSection(section).AsEnumerable())
        {
            if (value is null || knownPaths.Contains(path))
            {
                continue;
            }

            var hint = ClosestMatch(path, knownPaths);
            AddProblem(
                path,
                hint is null
                    ? "is not a known setting"
                    : $"is not a known setting; did you mean {ToDisplayPath(hint)}?");
        }
    }

    /// <summary><c>knowledge:vector_dbs:0:id</c> becomes <c>knowledge.vector_dbs[0].id</c>.</summary>
    public static string ToDisplayPath(string path) => YamlConfigurationProvider.ToDottedPath(ToConfigurationPath(path));

    /// <summary><c>knowledge.vector_dbs[0].id</c> becomes <c>knowledge:vector_dbs:0:id</c>.</summary>
    public static string ToConfigurationPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Replace("[", ":", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal).Replace('.', ':');
    }

    private (string? Value, string? Path, string? Origin) Find(ConfigurationKey key, bool reportConflicts)
    {
        if (Configuration is not IConfigurationRoot root)
        {
            foreach (var path in key.AllConfigurationPaths)
            {
                if (Configuration[path] is { } value)
                {
                    return (value, path, null);
                }
            }

            return (null, null, null);
        }

        foreach (var provider in root.Providers.Reverse())
        {
            (string Value, string Path)? first = null;
            foreach (var path in key.AllConfigurationPaths)
            {
                if (!provider.TryGet(path, out var value) || value is null)
                {
                    continue;
                }

                if (first is null)
                {
                    first = (value, path);
                }
                else if (reportConflicts && !string.Equals(first.Value.Value, value, StringComparison.Ordinal))
                {
                    var (shown, other) = key.IsSecret ? (Masked, Masked) : ($"\"{value}\"", $"\"{first.Value.Value}\"");
                    AddProblem(
                        path,
                        $"{shown} conflicts with {ToDisplayPath(first.Value.Path)} = {other} in the same source; both name one setting, keep one",
                        provider is IConfigurationValueOrigin conflictOrigin ? conflictOrigin.DescribeOrigin(path) : provider.ToString());
                }
            }

            if (first is { } found)
            {
                var origin = provider is IConfigurationValueOrigin valueOrigin
                    ? valueOrigin.DescribeOrigin(found.Path) ?? provider.ToString()
                    : provider.ToString();
                return (found.Value, found.Path, origin);
            }
        }

        return (null, null, null);
    }

    private static string? ClosestMatch(string path, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(path.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, path.Length / 4) ? best : null;
    }

    private static int EditDistance(string left, string right)
    {
        var previous = new int[right.Length + 1];
        var current = new int[right.Length + 1];
        for (var j = 0; j <= right.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= left.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= right.Length; j++)
            {
                var cost = left[i - 1] == right[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[right.Length];
    }
}
