using System.Net;
using System.Text.Json;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

public sealed class StartCommandTests
{
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(30);

    [Theory, DatabaseData]
    public async Task Start_migrates_serves_health_and_readiness_and_stops_on_sigterm(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_start");

        await using var host = await CompozyProcess.StartHostAsync(cli.WorkingDirectory, cli.Environment);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, host.Stderr);
        using (var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()))
        {
            body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("description").GetString().ShouldBe("schema at 3/3 migrations");
        }

        host.Stderr.ShouldContain($"store initialized: driver={(database == DatabaseKind.Sqlite ? "sqlite" : "postgres")}");
        if (database == DatabaseKind.Sqlite)
        {
            host.Stderr.ShouldContain(cli.Database.Location);
        }
        else
        {
            host.Stderr.ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cli.Database.Location).Password!);
        }

        (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
        host.Stderr.ShouldContain("Application is shutting down");
        (await cli.Database.Migrations.GetStatusAsync()).IsCurrent.ShouldBeTrue();
    }

    [Fact]
    public async Task Start_on_memory_serves_readiness_and_leaves_no_file()
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await using var host = await CompozyProcess.StartHostAsync(workingDirectory, new Dictionary<string, string?> { ["DB_PATH"] = ":memory:" });
            using var http = new HttpClient { BaseAddress = host.BaseAddress };

            (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK, host.Stderr);
            host.Stderr.ShouldContain("store initialized: driver=sqlite sqlite :memory:");
            (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
            Directory.EnumerateFileSystemEntries(workingDirectory).ShouldBeEmpty();
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Start_writes_nothing_into_the_home_directory()
    {
        // ASP.NET Core's data protection, which AddAuthentication brings along, writes a key ring
        // under $HOME/.aspnet when the host starts; the API issues no cookie or token that needs one.
        var root = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        var home = Path.Combine(root, "home");
        var workingDirectory = Path.Combine(root, "work");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await using var host = await CompozyProcess.StartHostAsync(
                workingDirectory, new Dictionary<string, string?> { ["DB_PATH"] = ":memory:", ["HOME"] = home });
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v0/workflows", UriKind.Relative));
            request.Headers.Authorization = new("Bearer", "cpzy_not_a_key");

            // The API key handler still runs, and refuses the key.
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, host.Stderr);
            (await host.TerminateAsync(ShutdownAllowance)).ShouldBe(0, host.Stderr);
            Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).ShouldBeEmpty(host.Stderr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory, DatabaseData]
    public async Task Start_without_migrating_refuses_pending_migrations_with_exit_3(DatabaseKind database)
    {
        await using var cli = await CliDatabase.CreateAsync(database, "cli_no_migrate");

        var result = await cli.RunAsync("start", "--port", "0", "--no-migrate");

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain("3 pending migrations ");
        result.Stderr.ShouldContain("compozy migrate up");
        result.Stderr.ShouldNotContain("Hosting failed to start");
        result.Stderr.ShouldNotContain("   at ", Case.Sensitive, "an expected refusal is a message, not a stack trace");
        (await cli.Database.Migrations.GetStatusAsync()).Applied.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_compozy_yaml_with_sqlite_and_pgvector_stops_start_with_exit_2_and_creates_nothing()
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(workingDirectory, "compozy.yaml"), """
                database:
                  driver: sqlite
                  path: ./data/compozy.db
                knowledge:
                  vector_dbs:
                    - id: docs
                      provider: pgvector
                      dimension: 768
                """);

            var result = await CompozyProcess.RunAsync(workingDirectory, null, "start");

            result.ExitCode.ShouldBe(2, result.ToString());
            result.Stderr.ShouldContain("knowledge.vector_dbs[0].provider: pgvector provider is incompatible with SQLite driver.");
            result.Stderr.ShouldContain("embedded (vectors in the SQLite database file: provider: embedded)");
            result.Stderr.ShouldContain("qdrant (a Qdrant server: provider: qdrant, url: http://localhost:6333)");
            result.Stderr.ShouldContain("compozy.yaml:7:");
            Directory.EnumerateFileSystemEntries(workingDirectory).Select(Path.GetFileName).ShouldBe(["compozy.yaml"]);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("DB_DRIVER", "mysql", "database.driver")]
    [InlineData("DB_PORT", "fifty", "database.port")]
    [InlineData("SERVER_PORT", "70000", "server.port")]
    public async Task Bad_values_in_the_environment_stop_start_with_exit_2_naming_the_key(string variable, string value, string key)
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        try
        {
            var environment = new Dictionary<string, string?> { [variable] = value, ["DB_PATH"] = "./data/compozy.db" };
            if (variable == "DB_PORT")
            {
                environment["DB_DRIVER"] = "postgres";
                environment["DB_HOST"] = "db.invalid";
            }

            // No --port flag: it would override SERVER_PORT (flags beat the environment).
            var result = await CompozyProcess.RunAsync(workingDirectory, environment, "start");

            result.ExitCode.ShouldBe(2, result.ToString());
            result.Stderr.ShouldContain($"{key}: \"{value}\"");
            result.Stderr.ShouldContain($"(from environment variable {variable})");
            Directory.EnumerateFileSystemEntries(workingDirectory).ShouldBeEmpty();
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
