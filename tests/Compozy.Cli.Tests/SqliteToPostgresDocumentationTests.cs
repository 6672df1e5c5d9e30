using System.Globalization;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// The move from SQLite to PostgreSQL as an operator follows its page: data created through the
/// API of a host on SQLite, <c>db export</c>, <c>db import</c> into a new PostgreSQL database, and
/// a host on PostgreSQL that gives the same API answers with the same API key.
/// </summary>
public sealed class SqliteToPostgresDocumentationTests
{
    private const string Page = "docs/operations/sqlite-to-postgresql.md";

    [Fact]
    [RunsDocumentationPage(Page)]
    public async Task Every_command_of_the_sqlite_to_postgresql_page_prints_what_the_page_shows()
    {
        var examples = DocumentationSession.Commands(Page);
        examples.Count.ShouldBeGreaterThanOrEqualTo(15, $"{Page}: too few $ commands found");

        var database = await PostgresServer.CreateDatabaseAsync("sqlite_to_postgres");
        var directory = Directory.CreateTempSubdirectory("compozy-sqlite-to-postgres-docs-");
        try
        {
            var environment = DocumentationSession.UserEnvironment();
            environment["SERVER_PORT"] = DocumentationSession.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
            environment["DATABASE_URL"] = database;

            var outputs = await DocumentationSession.RunAsync(Page, examples, directory.FullName, environment);

            DocumentationSession.Mismatches(Page, examples, outputs).ShouldBeEmpty(
                $"outputs differ from {Page}\n--- sqlite.log ---\n{ReadIfExists(directory.FullName, "sqlite.log")}\n--- postgres.log ---\n{ReadIfExists(directory.FullName, "postgres.log")}");

            // The answers were compared by the page's diff; this makes sure there was something to compare.
            var before = await File.ReadAllTextAsync(Path.Combine(directory.FullName, "before.json"));
            before.ShouldContain("\"greet\"");
            before.ShouldContain("hello, world");
        }
        finally
        {
            directory.Delete(recursive: true);
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    private static string ReadIfExists(string directory, string file) =>
        File.Exists(Path.Combine(directory, file)) ? File.ReadAllText(Path.Combine(directory, file)) : "(none)";
}
