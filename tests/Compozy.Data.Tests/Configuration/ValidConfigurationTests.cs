using System.CommandLine;
using System.Globalization;
using Compozy.Cli;
using Compozy.Cli.Configuration;
using Compozy.Data.Hosting;
using Compozy.Data.Sqlite;

namespace Compozy.Data.Tests.Configuration;

/// <summary>Positive controls, so that the rejection tests cannot pass by rejecting everything.</summary>
public sealed class ValidConfigurationTests
{
    [Fact]
    public void A_complete_sqlite_configuration_has_no_problems()
    {
        using var temp = new TemporaryDirectory();
        var database = temp.Combine("sub", "dir", "compozy.db");
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: sqlite
              path: '{database}'
              busy_timeout: 750ms
              auto_migrate: no
              migration_timeout: 1h30m
            knowledge:
              vector_dbs:
                - id: docs
                  provider: qdrant
                  url: https://qdrant.example:6333
                  dimension: 1536
                  metric: dot
                  options:
                    collection: documents
            """);

        var (reader, options, provider) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Warnings));
        options.Database.AutoMigrate.ShouldBeFalse();
        options.Database.MigrationTimeout.ShouldBe(TimeSpan.FromMinutes(90));
        var vector = options.Knowledge.VectorDatabases.ShouldHaveSingleItem();
        (vector.Id, vector.Provider, vector.Url, vector.Dimension, vector.Metric).ShouldBe(
            ("docs", "qdrant", new Uri("https://qdrant.example:6333"), 1536, Compozy.Data.Knowledge.VectorMetric.Dot));
        vector.Options["collection"].ShouldBe("documents");
        var sqlite = provider.ShouldBeOfType<ConfiguredSqliteProvider>();
        sqlite.Options.Path.ShouldBe(database);
        sqlite.Options.BusyTimeout.ShouldBe(TimeSpan.FromMilliseconds(750));
        Directory.Exists(temp.Combine("sub")).ShouldBeFalse();
    }

    [Fact]
    public void Retention_is_off_by_default_and_reads_its_interval_age_and_statuses_when_set()
    {
        using var temp = new TemporaryDirectory();
        var database = temp.Combine("compozy.db");
        var unset = ConfigurationHarness.Read(ConfigurationHarness.WriteConfig(temp, $"""
            database:
              path: '{database}'
            """));
        unset.Reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(unset.Reader.Problems));
        unset.Options.Database.Retention.Interval.ShouldBeNull();
        unset.Options.Database.Retention.OlderThan.ShouldBeNull();

        var (reader, options, _) = ConfigurationHarness.Read(ConfigurationHarness.WriteConfig(temp, $"""
            database:
              path: '{database}'
              retention:
                interval: 12h
                older_than: 1d12h
                statuses: success, timed_out
            """));

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        options.Database.Retention.Interval.ShouldBe(TimeSpan.FromHours(12));
        options.Database.Retention.OlderThan.ShouldBe(TimeSpan.FromHours(36));
        options.Database.Retention.Statuses.ShouldBe([Compozy.Data.Entities.ExecutionStatus.Success, Compozy.Data.Entities.ExecutionStatus.TimedOut]);
    }

    [Fact]
    public void A_complete_postgres_configuration_with_pgvector_has_no_problems()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.example
              port: 6543
              user: app
              password: ${APP_PASSWORD}
              name: compozy_prod
              ssl_mode: require
              max_open_conns: 50
              max_idle_conns: 50
              conn_max_lifetime: 0s
              conn_max_idle_time: 30s
              connect_timeout: 5s
              auto_migrate: false
              migration_timeout: 10m
            knowledge:
              vector_dbs:
                - id: docs
                  provider: pgvector
                  dimension: 2000
                  metric: l2
                - id: images
                  provider: qdrant
                  url: http://localhost:6333
                  dimension: 1
            """);

        var (reader, options, provider) = ConfigurationHarness.Read(config, new Dictionary<string, string> { ["APP_PASSWORD"] = "pw-4711" });

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Warnings));
        options.Database.Driver.ShouldBe("postgres");
        options.Knowledge.VectorDatabases.Select(entry => entry.Id).ShouldBe(["docs", "images"]);
        provider.ShouldNotBeNull().Description.ShouldBe(
            "postgres host=db.example port=6543 database=compozy_prod user=app ssl_mode=require (pool of 50 to 50 connections; concurrent writers, transient failures retried)");
    }

    [Fact]
    public void The_cli_loader_accepts_a_valid_configuration_without_printing_anything()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              path: '{temp.Combine("sub", "dir", "compozy.db")}'
            knowledge:
              vector_dbs:
                - id: docs
                  provider: qdrant
                  url: http://localhost:6333
                  dimension: 768
            server:
              host: '::1'
              shutdown_timeout: 45s
            """);
        var flags = new ConfigurationFlags(CompozyConfigurationSources.DataKeys, recursive: true);
        var serverFlags = new ConfigurationFlags(ServerConfigurationKeys.All, recursive: false);
        var command = new RootCommand();
        flags.AddTo(command);
        serverFlags.AddTo(command);
        var parseResult = command.Parse(["--config", config, "--port", "0"]);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        var loaded = ConfigurationLoader.Load(parseResult, new CliConsole(output, error, _ => null), [flags, serverFlags], readServer: true);

        error.ToString().ShouldBeEmpty();
        output.ToString().ShouldBeEmpty();
        loaded.ShouldNotBeNull();
        loaded.Warnings.ShouldBeEmpty();
        loaded.Provider.Driver.ShouldBe("sqlite");
        loaded.Server.ShouldBe(new ServerOptions(System.Net.IPAddress.IPv6Loopback, 0, TimeSpan.FromSeconds(45), 16L * 1024 * 1024));
        Directory.Exists(temp.Combine("sub")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_same_cli_run_with_a_valid_configuration_succeeds_and_creates_the_database()
    {
        using var temp = new TemporaryDirectory();
        var database = temp.Combine("sub", "dir", "compozy.db");
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: sqlite
              path: '{database}'
            """);

        var run = await CliRun.ExecuteAsync(new Dictionary<string, string>(), ["migrate", "up", "--config", config]);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldNotContain("configuration is invalid");
        run.Output.ShouldMatch(@"applied (\d+); \1 of \1 migrations applied");
        File.Exists(database).ShouldBeTrue();
    }
}
