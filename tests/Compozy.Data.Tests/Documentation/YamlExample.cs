using System.Text.RegularExpressions;

namespace Compozy.Data.Tests.Documentation;

internal sealed partial record YamlExample(string File, int Line, string InfoString, string Text)
{
    public const string ValidInfoString = "yaml";
    public const string InvalidInfoString = "yaml invalid";

    public string Label => $"{File}:{Line}";

    public bool IsMarkedInvalid => InfoString == InvalidInfoString;

    public string? ExpectedProblem
    {
        get
        {
            var firstLine = Text.Split('\n', 2)[0].TrimEnd('\r');
            var match = ExpectComment().Match(firstLine);
            return match.Success ? match.Groups["text"].Value.Trim() : null;
        }
    }

    [GeneratedRegex(@"^#\s*expect:\s*(?<text>\S.*)$")]
    private static partial Regex ExpectComment();
}
