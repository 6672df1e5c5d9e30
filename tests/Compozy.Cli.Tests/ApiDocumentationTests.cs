using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// docs/api.md as a new user reads it: every <c>$</c> command of the page runs, in order, in one
/// bash session against a real <c>compozy start</c>, and prints what the page says it prints.
/// </summary>
public sealed class ApiDocumentationTests
{
    private const string Page = "docs/api.md";

    // The page's walk-through is long; a count this low means the parser lost it.
    private const int MinimumCommands = 40;

    [Fact]
    [RunsDocumentationPage(Page)]
    public async Task Every_command_of_the_api_page_prints_what_the_page_shows()
    {
        var examples = DocumentationSession.Commands(Page);
        examples.Count.ShouldBeGreaterThanOrEqualTo(MinimumCommands, $"{Page}: too few $ commands found");

        // The API is the same on both databases; SQLite needs no server, so the page is run there.
        await using var api = await ApiSession.StartAsync(DatabaseKind.Sqlite, "api_docs");
        var outputs = await DocumentationSession.RunAsync(
            Page,
            examples,
            api.Cli.WorkingDirectory,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["COMPOZY_URL"] = api.Host.BaseAddress.ToString().TrimEnd('/'),
                ["COMPOZY_API_KEY"] = api.AdminKey,
            });

        DocumentationSession.Mismatches(Page, examples, outputs)
            .ShouldBeEmpty($"outputs differ from {Page} (server log below)\n--- compozy start ---\n{api.Host.Stderr}");
    }

    [Fact]
    public void An_expected_output_matches_only_its_own_text_with_wildcards_inside_one_line()
    {
        var example = ConsoleExample.Parse("""
            ```console
            $ curl -s "$COMPOZY_URL/x" \
                -d '{"a":
            >   1}'
            {"id":"…","status":201}
            done
            ```
            """).ShouldHaveSingleItem();

        example.Command.ShouldBe("curl -s \"$COMPOZY_URL/x\" \\\n    -d '{\"a\":\n  1}'");
        example.Matches("{\"id\":\"0123\",\"status\":201}\ndone\n").ShouldBeTrue();
        example.Matches("{\"id\":\"\",\"status\":201}\ndone").ShouldBeTrue();
        example.Matches("{\"id\":\"0123\",\"status\":200}\ndone").ShouldBeFalse();
        example.Matches("{\"id\":\"0\",\"x\":1}\n{\"id\":\"1\",\"status\":201}\ndone").ShouldBeFalse();
        example.Matches("{\"id\":\"0123\",\"status\":201}").ShouldBeFalse();
        example.Matches("{\"id\":\"0123\",\"status\":201}\ndone\nmore").ShouldBeFalse();
    }
}
