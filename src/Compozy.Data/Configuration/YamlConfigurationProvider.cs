using System.Globalization;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Compozy.Data.Configuration;

/// <summary>Loads a <see cref="YamlConfigurationSource"/>; see there.</summary>
public sealed class YamlConfigurationProvider : ConfigurationProvider, IConfigurationValueOrigin
{
    private readonly YamlConfigurationSource _source;
    private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ConfigurationProblem> _problems = [];

    /// <summary>Creates the provider for <paramref name="source"/>.</summary>
    public YamlConfigurationProvider(YamlConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <inheritdoc />
    public IReadOnlyList<ConfigurationProblem> LoadProblems => _problems;

    /// <inheritdoc />
    public string? DescribeOrigin(string configurationPath) =>
        _origins.TryGetValue(configurationPath, out var origin) ? origin : null;

    /// <inheritdoc />
    public override void Load()
    {
        _origins.Clear();
        _problems.Clear();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Data = data;

        string text;
        try
        {
            text = File.ReadAllText(_source.FilePath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new ConfigurationProblem("--config", $"cannot read configuration file {_source.FilePath}: {exception.Message}"));
            return;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            _problems.Add(new ConfigurationProblem(
                "(file)",
                $"malformed YAML: {InnermostMessage(exception)}",
                $"{_source.FilePath}:{exception.Start.Line}:{exception.Start.Column}"));
            return;
        }

        if (stream.Documents.Count == 0)
        {
            return;
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" })
        {
            return;
        }

        if (root is not YamlMappingNode mapping)
        {
            _problems.Add(new ConfigurationProblem("(file)", "the top level must be a mapping of sections (database:, knowledge:, ...)", Origin(root)));
            return;
        }

        Flatten(mapping, prefix: null, data);
    }

    private static string InnermostMessage(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception.Message;
    }

    private void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = keyNode is YamlScalarNode { Value: { } name } ? name : keyNode.ToString();
                    Flatten(valueNode, prefix is null ? key : $"{prefix}:{key}", data);
                }

                break;
            case YamlSequenceNode sequence:
                for (var index = 0; index < sequence.Children.Count; index++)
                {
                    Flatten(sequence.Children[index], $"{prefix}:{index.ToString(CultureInfo.InvariantCulture)}", data);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                if (IsNull(scalar))
                {
                    return;
                }

                _origins[prefix] = Origin(scalar);
                if (EnvironmentInterpolation.TryExpand(scalar.Value!, _source.GetEnvironmentVariable, out var expanded, out var error))
                {
                    data[prefix] = expanded;
                }
                else
                {
                    _problems.Add(new ConfigurationProblem(ToDottedPath(prefix), error!, Origin(scalar)));
                }

                break;
            default:
                break;
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private string Origin(YamlNode node) =>
        string.Create(CultureInfo.InvariantCulture, $"{_source.FilePath}:{node.Start.Line}:{node.Start.Column}");

    /// <summary><c>knowledge:vector_dbs:0:id</c> becomes <c>knowledge.vector_dbs[0].id</c>.</summary>
    internal static string ToDottedPath(string configurationPath)
    {
        var parts = configurationPath.Split(':');
        var builder = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length > 0 && part.All(char.IsAsciiDigit))
            {
                builder.Append('[').Append(part).Append(']');
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(part);
            }
        }

        return builder.ToString();
    }
}
