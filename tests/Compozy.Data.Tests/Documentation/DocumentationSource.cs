using System.Text.RegularExpressions;

namespace Compozy.Data.Tests.Documentation;

internal static partial class DocumentationSource
{
    private const string SolutionFile = "Compozy.Data.sln";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    private static readonly Lazy<List<YamlExample>> Examples = new(LoadYamlExamples);

    public static string RepositoryRoot => Root.Value;

    public static IReadOnlyList<YamlExample> YamlExamples => Examples.Value;

    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot, relativePath));

    public static IReadOnlyList<string> MarkdownFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Append("README.md")
            .ToList();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains {SolutionFile}");
    }

    private static List<YamlExample> LoadYamlExamples() =>
        MarkdownFiles()
            .SelectMany(file => FencedYamlBlocks(file, File.ReadAllLines(Path.Combine(RepositoryRoot, file))))
            .Append(new YamlExample("compozy.yaml", 1, YamlExample.ValidInfoString, ReadText("compozy.yaml")))
            .ToList();

    private static IEnumerable<YamlExample> FencedYamlBlocks(string file, string[] lines)
    {
        for (var index = 0; index < lines.Length; index++)
        {
            var opening = OpeningFence().Match(lines[index]);
            if (!opening.Success)
            {
                continue;
            }

            var indent = opening.Groups["indent"].Value.Length;
            var fence = opening.Groups["fence"].Value;
            var infoString = opening.Groups["info"].Value.Trim();
            var body = new List<string>();
            var end = index + 1;
            while (end < lines.Length && !IsClosingFence(lines[end], fence))
            {
                body.Add(lines[end].Length >= indent && string.IsNullOrWhiteSpace(lines[end][..indent]) ? lines[end][indent..] : lines[end].TrimStart());
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidDataException($"{file}:{index + 1}: the code fence is never closed");
            }

            // "yaml" or "yaml <anything>": a misspelt marker must fail the example, not hide it.
            if (infoString.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["yaml", ..])
            {
                yield return new YamlExample(file, index + 1, infoString, string.Join('\n', body) + "\n");
            }

            index = end;
        }
    }

    private static bool IsClosingFence(string line, string openingFence)
    {
        var trimmed = line.Trim();
        return trimmed.Length >= openingFence.Length && trimmed.All(character => character == '`');
    }

    [GeneratedRegex(@"^(?<indent>\s*)(?<fence>`{3,})(?<info>[^`]*)$")]
    private static partial Regex OpeningFence();
}
