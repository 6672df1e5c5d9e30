namespace Compozy.Data.Tests.Configuration;

public sealed class ProblemReportingTests
{
    private const string FilePassword = "s3cr3t-value";

    [Fact]
    public async Task Every_problem_from_every_source_is_reported_in_one_run_with_the_count_in_the_header()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.invalid
              port: abc
              ssl_mode: sometimes
              colour: blue
            knowledge:
              vector_dbs:
                - id: docs
                  provider: qdrant
                  url: http://localhost:6333
                  dimension: 0
            """);
        var environment = new Dictionary<string, string> { ["DB_MIGRATION_TIMEOUT"] = "5" };

        var run = await CliRun.ExecuteAsync(environment, ["migrate", "up", "--config", config, "--db-max-open-conns", "-1"]);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"compozy: configuration is invalid (6 problems):{Environment.NewLine}", Case.Sensitive);
        run.ProblemLines.Count.ShouldBe(6, run.Error);
        run.ProblemLineFor("database.port").ShouldEndWith($"(from {config}:4:9)", Case.Sensitive);
        run.ProblemLineFor("database.ssl_mode").ShouldEndWith($"(from {config}:5:13)", Case.Sensitive);
        run.ProblemLineFor("database.colour").ShouldEndWith($"(from {config}:6:11)", Case.Sensitive);
        run.ProblemLineFor("knowledge.vector_dbs[0].dimension").ShouldEndWith($"(from {config}:12:18)", Case.Sensitive);
        run.ProblemLineFor("database.migration_timeout").ShouldEndWith("(from environment variable DB_MIGRATION_TIMEOUT)", Case.Sensitive);
        run.ProblemLineFor("database.max_open_conns").ShouldEndWith("(from flag --db-max-open-conns)", Case.Sensitive);
    }

    [Fact]
    public async Task Problems_found_while_loading_the_file_are_reported_with_the_other_problems()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $$"""
            database:
              driver: sqlite
              path: '{{temp.Combine("sub", "dir", "compozy.db")}}'
              busy_timeout: ${COMPOZY_TEST_UNSET_TIMEOUT}
              auto_migrate: maybe
            """);

        var run = await CliRun.ExecuteAsync(new Dictionary<string, string>(), ["migrate", "up", "--config", config, "--db-driver", "mysql"]);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("compozy: configuration is invalid (3 problems):", Case.Sensitive);
        run.ProblemLineFor("database.busy_timeout").ShouldContain("COMPOZY_TEST_UNSET_TIMEOUT", Case.Sensitive);
        run.ProblemLineFor("database.auto_migrate").ShouldContain("\"maybe\"", Case.Sensitive);
        run.ProblemLineFor("database.driver").ShouldContain("\"mysql\"", Case.Sensitive);
    }

    [Theory]
    [InlineData("Host=db.invalid;Username=app;Password=hunter2-conn-pw", "database.port")]
    [InlineData("Host=db.invalid;Password=hunter2-conn-pw;Port=abc", "database.conn_string")]
    [InlineData("Host=db.invalid;Pasword=hunter2-conn-pw", "database.conn_string")]
    [InlineData("Host=db.invalid;Password=hunter2-conn-pw;Dangling", "database.conn_string")]
    [InlineData("Host=db.invalid;Password='hunter2-conn-pw", "database.conn_string")]
    [InlineData("Host=db.invalid;Password=hunter2;conn-pw=x", "database.conn_string")]
    [InlineData("postgres://app:hunter2-conn-pw@db.invalid/app?sslmode=sometimes", "database.conn_string")]
    [InlineData("postgres://app:hunter2-conn-pw@db.invalid/app?no_such_setting=1", "database.conn_string")]
    [InlineData("postgres://app:hunter2?conn-pw@db.invalid/app", "database.conn_string")]
    [InlineData("postgres://app:hunter2/conn-pw@db.invalid/app", "database.conn_string")]
    public async Task Secrets_never_appear_in_the_output_even_when_conn_string_is_malformed(string connString, string reportedKey)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: postgres
              password: {FilePassword}
              conn_string: "{connString}"
              port: {(reportedKey == "database.port" ? "abc" : "5432")}
            """);

        var run = await CliRun.ExecuteAsync(new Dictionary<string, string>(), ["migrate", "up", "--config", config]);

        run.ExitCode.ShouldBe(2, run.Error);
        run.ProblemLines.ShouldContain(line => line.StartsWith($"  {reportedKey}: ", StringComparison.Ordinal), run.Error);

        // A malformation can split the password, so each half must stay hidden on its own.
        var everything = run.Output + run.Error;
        everything.ShouldNotContain(FilePassword);
        everything.ShouldNotContain("hunter2");
        everything.ShouldNotContain("conn-pw");
    }

    [Fact]
    public async Task A_secret_with_a_bad_value_is_shown_masked()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: postgres
              path: '{temp.Combine("compozy.db")}'
            """);

        var run = await CliRun.ExecuteAsync(new Dictionary<string, string> { ["DB_CONN_STRING"] = "   " }, ["migrate", "up", "--config", config]);

        run.ExitCode.ShouldBe(2);
        run.ProblemLineFor("database.conn_string")
            .ShouldBe("  database.conn_string: *** is empty; allowed: a non-empty string (from environment variable DB_CONN_STRING)");
    }
}
