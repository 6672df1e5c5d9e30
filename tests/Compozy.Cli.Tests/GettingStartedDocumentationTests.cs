using System.Text.RegularExpressions;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// The getting-started pages as a new user follows them: every <c>$</c> command runs, in order,
/// in one bash session with the real <c>compozy</c> on the PATH, and prints what the page shows.
/// The quickstart starts and stops its own hosts, on SQLite and then on a PostgreSQL database.
/// </summary>
public sealed partial class GettingStartedDocumentationTests
{
    private const string InstallationPage = "docs/getting-started/installation.md";
    private const string QuickstartPage = "docs/getting-started/quickstart.md";

    [Fact]
    [RunsDocumentationPage(InstallationPage)]
    public async Task Every_command_of_the_installation_page_prints_what_the_page_shows()
    {
        var examples = DocumentationSession.Commands(InstallationPage);
        examples.ShouldNotBeEmpty($"{InstallationPage}: no $ commands found");

        var directory = Directory.CreateTempSubdirectory("compozy-installation-docs-");
        try
        {
            var outputs = await DocumentationSession.RunAsync(InstallationPage, examples, directory.FullName, DocumentationSession.UserEnvironment());

            DocumentationSession.Mismatches(InstallationPage, examples, outputs).ShouldBeEmpty($"outputs differ from {InstallationPage}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    [RunsDocumentationPage(QuickstartPage)]
    public async Task Every_command_of_the_quickstart_prints_what_the_page_shows_on_sqlite_then_postgresql()
    {
        var examples = DocumentationSession.Commands(QuickstartPage);
        examples.Count.ShouldBeGreaterThanOrEqualTo(15, $"{QuickstartPage}: too few $ commands found");

        var database = await PostgresServer.CreateDatabaseAsync("quickstart");
        var directory = Directory.CreateTempSubdirectory("compozy-quickstart-docs-");
        try
        {
            // A free port instead of the default 5001, which another process may hold; the page
            // reads it from SERVER_PORT as it tells readers to.
            var environment = DocumentationSession.UserEnvironment();
            environment["SERVER_PORT"] = DocumentationSession.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["DATABASE_URL"] = database;

            var outputs = await DocumentationSession.RunAsync(QuickstartPage, examples, directory.FullName, environment);

            DocumentationSession.Mismatches(QuickstartPage, examples, outputs).ShouldBeEmpty(
                $"outputs differ from {QuickstartPage}\n--- compozy.log ---\n{ReadIfExists(directory.FullName, "compozy.log")}\n--- compozy-postgres.log ---\n{ReadIfExists(directory.FullName, "compozy-postgres.log")}");
        }
        finally
        {
            directory.Delete(recursive: true);
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    [Theory]
    [InlineData(InstallationPage)]
    [InlineData(QuickstartPage)]
    public void Every_block_that_runs_compozy_or_curl_is_a_console_block_the_tests_run(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(DocumentationSession.RepositoryRoot, page));
        var notRun = new List<string>();
        string? fence = null;
        for (var index = 0; index < lines.Length; index++)
        {
            if (lines[index].StartsWith("```", StringComparison.Ordinal))
            {
                fence = fence is null ? lines[index][3..].Trim() : null;
                continue;
            }

            if (fence is not null and not "console" and not "text" and not "json" and not "yaml" && RunsCompozyOrCurl().IsMatch(lines[index]))
            {
                notRun.Add($"{page}:{index + 1} ({fence}): {lines[index]}");
            }
        }

        notRun.ShouldBeEmpty("commands that run compozy or curl outside a console block are not run by the tests; write them as $ commands of a console block");
    }

    private static string ReadIfExists(string directory, string file) =>
        File.Exists(Path.Combine(directory, file)) ? File.ReadAllText(Path.Combine(directory, file)) : "(none)";

    // A command line of a shell block that runs compozy or curl: at its start, after a prompt, or after a pipe.
    [GeneratedRegex(@"(^|\$ |[|;&(]\s*)(compozy|curl)\s")]
    private static partial Regex RunsCompozyOrCurl();
}
