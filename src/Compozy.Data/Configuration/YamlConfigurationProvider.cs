using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Compozy.Data.Configuration;

/// <summary>Loads a <see cref="YamlConfigurationSource"/>; see there.</summary>
public sealed class YamlConfigurationProvider : ConfigurationProvider, IConfigurationValueOrigin
{
    private const string AllowedFile = "a regular YAML file of at most 1 MiB";

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

        if (!TryReadFile(out var text))
        {
            return;
        }

        // The one place the file is parsed: every failure of the parser becomes a problem with
        // the line and column where it stopped, never an exception out of the host.
        var scanner = new Scanner(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(new BoundedYamlParser(new Parser(scanner)));
        }
        catch (YamlLimitException exception)
        {
            _problems.Add(new ConfigurationProblem("(file)", exception.Message, Origin(exception.Start)));
            return;
        }
        catch (YamlException exception)
        {
            _problems.Add(new ConfigurationProblem("(file)", $"malformed YAML: {InnermostMessage(exception)}", Origin(exception.Start)));
            return;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // YamlDotNet's scanner fails on some malformed input without a YamlException (an
            // unterminated [ or { followed by a mapping line throws InvalidOperationException), so
            // the position is where the scanner stopped.
            _problems.Add(new ConfigurationProblem(
                "(file)",
                "malformed YAML: the parser cannot go on from here (a [ or { that is not closed is the usual cause)",
                Origin(scanner.CurrentPosition)));
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

    // Reads the whole file, refusing anything that is not a regular file before opening it (a
    // FIFO would block the open, a device would never end) and reading at most one byte past the
    // size limit.
    private bool TryReadFile(out string text)
    {
        text = string.Empty;
        var path = _source.FilePath;
        if (FileKind.DescribeIfNotRegular(path) is { } kind)
        {
            _problems.Add(new ConfigurationProblem("(file)", $"\"{path}\" is {kind}, not a regular file; allowed: {AllowedFile}"));
            return false;
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite, BufferSize = 0 });
            var buffer = new byte[ConfigurationFileLimits.MaxBytes + 1];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > ConfigurationFileLimits.MaxBytes)
            {
                _problems.Add(new ConfigurationProblem("(file)", $"\"{path}\" is larger than 1 MiB; allowed: {AllowedFile}"));
                return false;
            }

            using var reader = new StreamReader(new MemoryStream(buffer, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new ConfigurationProblem("--config", $"cannot read configuration file {path}: {exception.Message}"));
            return false;
        }
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

    private string Origin(YamlNode node) => Origin(node.Start);

    private string Origin(Mark mark) =>
        string.Create(CultureInfo.InvariantCulture, $"{_source.FilePath}:{mark.Line}:{mark.Column}");

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
