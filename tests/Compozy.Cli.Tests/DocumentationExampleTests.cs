using System.Diagnostics;
using System.Reflection;

namespace Compozy.Cli.Tests;

/// <summary>
/// Every console block of docs/ is either run by a test that compares its output with the page
/// (<see cref="RunsDocumentationPageAttribute"/>) or marked as not run with a reason
/// (<see cref="ConsoleBlock.NotRunMarker"/>), and every block is valid bash. A new page, or a
/// new block on a page no test runs, fails here until it is run or marked.
/// </summary>
public sealed class DocumentationExampleTests
{
    // Generated from the XML docs by scripts/docs.sh; no examples of its own.
    private const string GeneratedReference = "docs/reference/dotnet/";

    [Fact]
    public void Every_console_block_of_the_docs_is_run_by_a_test_or_marked_not_run_with_a_reason()
    {
        var runPages = RunPages();
        var unrun = new List<string>();
        foreach (var page in Pages())
        {
            foreach (var block in ConsoleBlock.Parse(File.ReadAllText(Path.Combine(DocumentationSession.RepositoryRoot, page))))
            {
                if (block.NotRunReason is { } reason)
                {
                    reason.ShouldNotBeEmpty($"{page}:{block.Line}: a not-run marker must say why the block cannot run");
                }
                else if (!runPages.Contains(page))
                {
                    unrun.Add($"{page}:{block.Line}: $ {block.Commands.Split('\n')[0]}");
                }
            }
        }

        unrun.ShouldBeEmpty(
            "console blocks that no test runs: run the page in a test marked [RunsDocumentationPage], " +
            $"or put '{ConsoleBlock.NotRunMarker}why -->' on the line above the block");
    }

    [Fact]
    public void Every_page_a_test_claims_to_run_has_commands_that_run()
    {
        foreach (var page in RunPages())
        {
            File.Exists(Path.Combine(DocumentationSession.RepositoryRoot, page)).ShouldBeTrue($"{page} does not exist");
            DocumentationSession.Commands(page).ShouldNotBeEmpty($"{page}: a test claims to run it, but it has no console block that runs");
        }
    }

    [Fact]
    public async Task Every_console_block_of_the_docs_is_valid_bash()
    {
        var problems = new List<string>();
        foreach (var page in Pages())
        {
            foreach (var block in ConsoleBlock.Parse(File.ReadAllText(Path.Combine(DocumentationSession.RepositoryRoot, page))))
            {
                if (await BashSyntaxErrorsAsync(block.Commands) is { Length: > 0 } errors)
                {
                    problems.Add($"{page}:{block.Line}: {errors}");
                }
            }
        }

        problems.ShouldBeEmpty("bash -n refuses these console blocks");
    }

    [Fact]
    public async Task A_syntax_error_in_a_block_is_found()
    {
        (await BashSyntaxErrorsAsync("echo 'not closed")).ShouldNotBeEmpty();
        (await BashSyntaxErrorsAsync("if true; then echo yes")).ShouldNotBeEmpty();
        (await BashSyntaxErrorsAsync("compozy db status --json | jq .status")).ShouldBeEmpty();
    }

    [Fact]
    public void A_marked_block_is_skipped_by_the_session_and_keeps_its_reason()
    {
        const string markdown = """
            ```console
            $ compozy db status
            ```

            <!-- not run: needs a Qdrant server -->
            ```console
            $ curl -s http://qdrant.internal:6333/collections
            {"result":…}
            ```
            """;

        ConsoleExample.Parse(markdown).ShouldHaveSingleItem().Command.ShouldBe("compozy db status");
        var blocks = ConsoleBlock.Parse(markdown);
        blocks.Count.ShouldBe(2);
        blocks[0].NotRunReason.ShouldBeNull();
        blocks[1].NotRunReason.ShouldBe("needs a Qdrant server");
        blocks[1].Commands.ShouldBe("curl -s http://qdrant.internal:6333/collections");
    }

    private static HashSet<string> RunPages() =>
    [
        .. typeof(DocumentationExampleTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .SelectMany(method => method.GetCustomAttributes<RunsDocumentationPageAttribute>())
            .Select(attribute => attribute.Page),
    ];

    private static IEnumerable<string> Pages() =>
        Directory.EnumerateFiles(Path.Combine(DocumentationSession.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(DocumentationSession.RepositoryRoot, path).Replace('\\', '/'))
            .Where(page => !page.StartsWith(GeneratedReference, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static async Task<string> BashSyntaxErrorsAsync(string commands)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync(commands + "\n");
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        await output;
        var text = (await errors).Trim();
        return process.ExitCode == 0 ? text : (text.Length > 0 ? text : $"bash -n exited with {process.ExitCode}");
    }
}
