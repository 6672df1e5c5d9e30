using System.Globalization;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// The reference pages of the commands and of SQLite as a reader runs their examples: every
/// console block not marked as not run, in order, in one bash session in an empty directory
/// with the real <c>compozy</c> on the PATH, each command printing what the page shows. The
/// session has a free port in <c>SERVER_PORT</c> and an empty PostgreSQL database in
/// <c>DATABASE_URL</c>, as the quickstart tells readers to set them.
/// </summary>
public sealed class CommandDocumentationTests
{
    [Theory]
    [InlineData("docs/cli/start.md")]
    [InlineData("docs/cli/migrate.md")]
    [InlineData("docs/cli/auth.md")]
    [InlineData("docs/cli/db.md")]
    [InlineData("docs/cli/audit.md")]
    [InlineData("docs/database/sqlite.md")]
    [InlineData("docs/configuration/database.md")]
    [InlineData("docs/operations/wal-monitoring.md")]
    [RunsDocumentationPage("docs/cli/start.md")]
    [RunsDocumentationPage("docs/cli/migrate.md")]
    [RunsDocumentationPage("docs/cli/auth.md")]
    [RunsDocumentationPage("docs/cli/db.md")]
    [RunsDocumentationPage("docs/cli/audit.md")]
    [RunsDocumentationPage("docs/database/sqlite.md")]
    [RunsDocumentationPage("docs/configuration/database.md")]
    [RunsDocumentationPage("docs/operations/wal-monitoring.md")]
    public async Task Every_command_of_the_page_prints_what_the_page_shows(string page)
    {
        var examples = DocumentationSession.Commands(page);
        examples.ShouldNotBeEmpty($"{page}: no $ commands found");

        var database = await PostgresServer.CreateDatabaseAsync("command_docs");
        var directory = Directory.CreateTempSubdirectory("compozy-command-docs-");
        try
        {
            var environment = DocumentationSession.UserEnvironment();
            environment["SERVER_PORT"] = DocumentationSession.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
            environment["DATABASE_URL"] = database;

            var outputs = await DocumentationSession.RunAsync(page, examples, directory.FullName, environment);

            DocumentationSession.Mismatches(page, examples, outputs).ShouldBeEmpty($"outputs differ from {page}");
        }
        finally
        {
            directory.Delete(recursive: true);
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
