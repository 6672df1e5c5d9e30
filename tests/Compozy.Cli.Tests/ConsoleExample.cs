using System.Text.RegularExpressions;

namespace Compozy.Cli.Tests;

/// <summary>
/// One <c>$ command</c> of a <c>console</c> block of a documentation page, with the output the
/// page shows under it. A command continues on the next line when its line ends with <c>\</c>
/// (the shell reads both) or when the next line starts with <c>&gt; </c> (the shell's prompt for
/// a continued quote, which is not part of the command). A block marked as not run (see
/// <see cref="ConsoleBlock.NotRunMarker"/>) holds no example.
/// </summary>
internal sealed record ConsoleExample(int Line, string Command, string ExpectedOutput)
{
    /// <summary>Stands for any text within one line of an expected output.</summary>
    public const string Wildcard = "…";

    private const string Prompt = "$ ";
    private const string Continuation = "> ";

    public static IReadOnlyList<ConsoleExample> Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var examples = new List<ConsoleExample>();
        var inConsole = false;
        var skipping = false;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inConsole = !inConsole && line.Trim() == "```console" && !ConsoleBlock.IsMarkedNotRun(lines, index);
                skipping = !inConsole && !skipping && line.Trim() == "```console";
                continue;
            }

            if (skipping)
            {
                continue;
            }

            if (!inConsole || !line.StartsWith(Prompt, StringComparison.Ordinal))
            {
                if (inConsole && line.Length > 0)
                {
                    throw new InvalidDataException($"line {index + 1}: output without a command above it: {line}");
                }

                continue;
            }

            var start = index;
            var command = new List<string> { line[Prompt.Length..] };
            while (index + 1 < lines.Length && (command[^1].EndsWith('\\') || lines[index + 1].StartsWith(Continuation, StringComparison.Ordinal)))
            {
                index++;
                command.Add(lines[index].StartsWith(Continuation, StringComparison.Ordinal) ? lines[index][Continuation.Length..] : lines[index]);
            }

            var output = new List<string>();
            while (index + 1 < lines.Length && !lines[index + 1].StartsWith(Prompt, StringComparison.Ordinal) && !lines[index + 1].StartsWith("```", StringComparison.Ordinal))
            {
                index++;
                output.Add(lines[index]);
            }

            examples.Add(new ConsoleExample(start + 1, string.Join('\n', command), string.Join('\n', output).TrimEnd()));
        }

        if (inConsole || skipping)
        {
            throw new InvalidDataException("a console block is never closed");
        }

        return examples;
    }

    /// <summary>
    /// Whether <paramref name="actual"/> is the expected output: the same lines, character for
    /// character, except that each <see cref="Wildcard"/> matches any text within its line.
    /// Trailing blank space at the end is ignored.
    /// </summary>
    public bool Matches(string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var pattern = "^" + Regex.Escape(ExpectedOutput).Replace(Wildcard, "[^\n]*?", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(actual.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd(), pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
    }
}
