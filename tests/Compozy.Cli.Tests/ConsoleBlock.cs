namespace Compozy.Cli.Tests;

/// <summary>
/// A <c>console</c> block of a documentation page: where it starts, the commands of its
/// <c>$</c> lines, and, when the line above its fence is <see cref="NotRunMarker"/>, why no test
/// runs it. Every other console block must be on a page a test runs
/// (<see cref="RunsDocumentationPageAttribute"/>).
/// </summary>
internal sealed record ConsoleBlock(int Line, string Commands, string? NotRunReason)
{
    /// <summary>
    /// Written on the line before a console block's fence as <c>&lt;!-- not run: why --&gt;</c>
    /// (invisible on GitHub and on the site): the block needs what the tests cannot have, such
    /// as a Qdrant server or a network filesystem. Its commands are only checked for syntax.
    /// </summary>
    public const string NotRunMarker = "<!-- not run: ";

    private const string MarkerEnd = "-->";

    public static IReadOnlyList<ConsoleBlock> Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<ConsoleBlock>();
        for (var index = 0; index < lines.Length; index++)
        {
            if (!lines[index].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var fence = index;
            var commands = new List<string>();
            for (index++; index < lines.Length && !lines[index].StartsWith("```", StringComparison.Ordinal); index++)
            {
                var line = lines[index];
                if (line.StartsWith("$ ", StringComparison.Ordinal))
                {
                    commands.Add(line[2..]);
                }
                else if (line.StartsWith("> ", StringComparison.Ordinal) || (commands.Count > 0 && commands[^1].EndsWith('\\')))
                {
                    commands[^1] += "\n" + (line.StartsWith("> ", StringComparison.Ordinal) ? line[2..] : line);
                }
            }

            if (lines[fence].Trim() == "```console")
            {
                blocks.Add(new ConsoleBlock(fence + 1, string.Join('\n', commands), NotRunReasonAbove(lines, fence)));
            }
        }

        return blocks;
    }

    /// <summary>Whether the fence at <paramref name="fence"/> has the not-run marker on the line above it.</summary>
    public static bool IsMarkedNotRun(string[] lines, int fence) => NotRunReasonAbove(lines, fence) is not null;

    private static string? NotRunReasonAbove(string[] lines, int fence)
    {
        if (fence == 0 || !lines[fence - 1].StartsWith(NotRunMarker, StringComparison.Ordinal))
        {
            return null;
        }

        var marker = lines[fence - 1].TrimEnd();
        return marker.EndsWith(MarkerEnd, StringComparison.Ordinal)
            ? marker[NotRunMarker.Length..^MarkerEnd.Length].Trim()
            : throw new InvalidDataException($"line {fence}: a not-run marker must end on its line with {MarkerEnd}");
    }
}
