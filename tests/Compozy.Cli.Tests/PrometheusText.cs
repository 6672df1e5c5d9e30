using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Compozy.Cli.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every
/// line must be a comment (<c># HELP</c>, <c># TYPE</c>, other comments) or a sample
/// <c>name{labels} value [timestamp]</c>, and a sample's family must not contradict its
/// <c># TYPE</c>. It throws <see cref="FormatException"/> naming the line that is not.
/// </summary>
internal sealed partial class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private PrometheusText(Dictionary<string, string> types, List<Sample> samples)
    {
        TypesByFamily = types;
        Samples = samples;
    }

    /// <summary>The <c># TYPE</c> of each metric family.</summary>
    public Dictionary<string, string> TypesByFamily { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var type = TypeLine().Match(line);
                if (type.Success)
                {
                    var family = type.Groups["name"].Value;
                    var kind = type.Groups["type"].Value;
                    if (!Types.Contains(kind))
                    {
                        throw new FormatException($"line {number}: unknown type {kind}: {line}");
                    }

                    if (!types.TryAdd(family, kind))
                    {
                        throw new FormatException($"line {number}: a second # TYPE for {family}");
                    }
                }
                else if (line.StartsWith("# HELP ", StringComparison.Ordinal) && !HelpLine().IsMatch(line))
                {
                    throw new FormatException($"line {number}: malformed # HELP: {line}");
                }

                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"line {number}: not a sample: {line}");
            }

            var name = match.Groups["name"].Value;
            var labels = ParseLabels(match.Groups["labels"].Value, number);
            var value = ParseValue(match.Groups["value"].Value, number);
            samples.Add(new Sample(name, labels, value));
        }

        foreach (var sample in samples)
        {
            var family = types.Keys.FirstOrDefault(family => sample.Name == family || (sample.Name.StartsWith(family + "_", StringComparison.Ordinal) && IsSuffixOf(types[family], sample.Name[(family.Length + 1)..])));
            if (family is null && types.Count > 0 && !sample.Name.StartsWith("target_info", StringComparison.Ordinal))
            {
                throw new FormatException($"sample {sample.Name} belongs to no # TYPE family");
            }
        }

        return new PrometheusText(types, samples);
    }

    private static bool IsSuffixOf(string type, string suffix) => type switch
    {
        "histogram" => suffix is "bucket" or "sum" or "count",
        "summary" => suffix is "sum" or "count",
        "counter" => suffix is "total" or "created",
        _ => false,
    };

    private static double ParseValue(string text, int line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {line}: {text} is not a number"),
    };

    private static Dictionary<string, string> ParseLabels(string text, int line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (position < text.Length)
        {
            var equals = text.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= text.Length || text[equals + 1] != '"')
            {
                throw new FormatException($"line {line}: bad label list {{{text}}}");
            }

            var name = text[position..equals];
            if (!LabelName().IsMatch(name))
            {
                throw new FormatException($"line {line}: bad label name {name}");
            }

            var value = new StringBuilder();
            var index = equals + 2;
            for (; index < text.Length && text[index] != '"'; index++)
            {
                if (text[index] == '\\' && index + 1 < text.Length)
                {
                    index++;
                    value.Append(text[index] switch { 'n' => '\n', var other => other });
                }
                else
                {
                    value.Append(text[index]);
                }
            }

            if (index >= text.Length)
            {
                throw new FormatException($"line {line}: unterminated label value in {{{text}}}");
            }

            labels[name] = value.ToString();
            position = index + 1;
            if (position < text.Length && text[position] == ',')
            {
                position++;
            }
        }

        return labels;
    }

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    /// <summary>One sample line.</summary>
    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
