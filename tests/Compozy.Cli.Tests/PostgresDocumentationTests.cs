using Compozy.Data.Testing;
using Npgsql;

namespace Compozy.Cli.Tests;

/// <summary>
/// The PostgreSQL page's commands as an administrator and then the application would run them:
/// a role and its database created with psql, the extension created by the administrator, the
/// migrations applied by the application's own role, which is not a superuser.
/// </summary>
public sealed class PostgresDocumentationTests
{
    private const string Page = "docs/database/postgresql.md";

    // The page names its role and database "compozy", as a reader's would be; nothing else in the suite uses them.
    private const string DropRoleAndDatabase = "DROP DATABASE IF EXISTS compozy WITH (FORCE); DROP ROLE IF EXISTS compozy;";

    [Fact]
    [RunsDocumentationPage(Page)]
    public async Task Every_command_of_the_postgresql_page_prints_what_the_page_shows()
    {
        var examples = DocumentationSession.Commands(Page);
        examples.Count.ShouldBeGreaterThanOrEqualTo(5, $"{Page}: too few $ commands found");

        var admin = new NpgsqlConnectionStringBuilder(await PostgresServer.GetAdminConnectionStringAsync());
        await ExecuteAsync(admin.ConnectionString, DropRoleAndDatabase);
        var directory = Directory.CreateTempSubdirectory("compozy-postgresql-docs-");
        try
        {
            var server = $"{admin.Host}:{admin.Port}";
            var environment = DocumentationSession.UserEnvironment();
            environment["ADMIN_URL"] = $"postgres://{Uri.EscapeDataString(admin.Username!)}:{Uri.EscapeDataString(admin.Password ?? "")}@{server}/postgres";
            environment["PG_ADDRESS"] = server;

            var outputs = await DocumentationSession.RunAsync(Page, examples, directory.FullName, environment);

            DocumentationSession.Mismatches(Page, examples, outputs).ShouldBeEmpty($"outputs differ from {Page}");
        }
        finally
        {
            directory.Delete(recursive: true);
            await ExecuteAsync(admin.ConnectionString, DropRoleAndDatabase);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
