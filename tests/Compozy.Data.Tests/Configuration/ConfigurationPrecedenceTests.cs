using Compozy.Cli.Configuration;
using Compozy.Data.Configuration;
using Compozy.Data.Postgres.Configuration;
using Compozy.Data.Sqlite;
using Compozy.Data.Sqlite.Configuration;

namespace Compozy.Data.Tests.Configuration;

public sealed class ConfigurationPrecedenceTests
{
    [Theory]
    [InlineData(null, null, null, "sqlite", null)]
    [InlineData("postgres", null, null, "postgres", "file")]
    [InlineData("postgres", "sqlite", null, "sqlite", "environment variable DB_DRIVER")]
    [InlineData("sqlite", "postgres", null, "postgres", "environment variable DB_DRIVER")]
    [InlineData("postgres", "sqlite", "postgres", "postgres", "flag --db-driver")]
    [InlineData("sqlite", "postgres", "sqlite", "sqlite", "flag --db-driver")]
    [InlineData(null, "postgres", "sqlite", "sqlite", "flag --db-driver")]
    public void The_driver_comes_from_the_highest_source_that_sets_it(
        string? inFile, string? inEnvironment, string? asFlag, string expectedDriver, string? expectedOrigin)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              path: '{temp.Combine("compozy.db")}'
              host: db.invalid
            {(inFile is null ? string.Empty : $"  driver: {inFile}")}
            """);
        var environment = new Dictionary<string, string>();
        if (inEnvironment is not null)
        {
            environment["DB_DRIVER"] = inEnvironment;
        }

        var flags = asFlag is null ? [] : new[] { new CommandLineConfigurationSource.FlagValue(CoreConfigurationKeys.Driver, "--db-driver", asFlag) };

        var (reader, options, provider) = ConfigurationHarness.Read(config, environment, flags);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        options.Database.Driver.ShouldBe(expectedDriver);
        provider.ShouldNotBeNull().Driver.ShouldBe(expectedDriver);
        reader.DescribeOrigin("database:driver").ShouldBe(expectedOrigin == "file" ? $"{config}:4:11" : expectedOrigin);
    }

    [Theory]
    [InlineData(false, false, false, null)]
    [InlineData(true, false, false, "from-file.db")]
    [InlineData(true, true, false, "from-env.db")]
    [InlineData(true, true, true, "from-flag.db")]
    [InlineData(false, true, false, "from-env.db")]
    [InlineData(false, true, true, "from-flag.db")]
    [InlineData(true, false, true, "from-flag.db")]
    public void The_sqlite_path_comes_from_the_highest_source_that_sets_it(bool inFile, bool inEnvironment, bool asFlag, string? expectedFile)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(
            temp,
            inFile ? $"database:\n  path: '{temp.Combine("from-file.db")}'\n" : "database:\n  driver: sqlite\n");
        var environment = new Dictionary<string, string>();
        if (inEnvironment)
        {
            environment["DB_PATH"] = temp.Combine("from-env.db");
        }

        var flags = asFlag
            ? new[] { new CommandLineConfigurationSource.FlagValue(SqliteConfigurationKeys.Path, "--db-path", temp.Combine("from-flag.db")) }
            : [];

        var (reader, _, provider) = ConfigurationHarness.Read(config, environment, flags);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        var sqlite = provider.ShouldBeOfType<ConfiguredSqliteProvider>();
        sqlite.Options.Path.ShouldBe(expectedFile is null ? Path.GetFullPath(SqliteConfigurationKeys.Path.Default!) : temp.Combine(expectedFile));
    }

    [Theory]
    [InlineData(false, false, false, 5001)]
    [InlineData(true, false, false, 7001)]
    [InlineData(true, true, false, 7002)]
    [InlineData(true, true, true, 7003)]
    [InlineData(false, false, true, 7003)]
    public void The_server_port_comes_from_the_highest_source_that_sets_it(bool inFile, bool inEnvironment, bool asFlag, int expectedPort)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, inFile ? "server:\n  port: 7001\n" : "server:\n  host: 127.0.0.1\n");
        var environment = new Dictionary<string, string>();
        if (inEnvironment)
        {
            environment["SERVER_PORT"] = "7002";
        }

        var flags = asFlag ? new[] { new CommandLineConfigurationSource.FlagValue(ServerConfigurationKeys.Port, "--port", "7003") } : [];

        var reader = ConfigurationHarness.CreateReader(config, environment, flags, ServerConfigurationKeys.All);
        var server = ServerOptions.Read(reader);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        server.Port.ShouldBe(expectedPort);
    }

    [Fact]
    public void The_dbname_alias_in_the_file_loses_to_DB_NAME_in_the_environment()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.invalid
              dbname: from_file
            """);

        var (reader, _, provider) = ConfigurationHarness.Read(config, new Dictionary<string, string> { ["DB_NAME"] = "from_env" });

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        provider.ShouldNotBeNull().Description.ShouldContain("database=from_env ", Case.Sensitive);
    }

    [Fact]
    public void The_dbname_alias_in_the_file_is_used_when_nothing_else_sets_the_name()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.invalid
              user: app
              dbname: from_file
              sslmode: require
            """);

        var (reader, _, provider) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        provider.ShouldNotBeNull().Description.ShouldContain("database=from_file user=app ssl_mode=require", Case.Sensitive);
    }

    [Fact]
    public void Name_and_dbname_set_to_the_same_value_in_one_file_are_not_a_conflict()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.invalid
              name: orders
              dbname: orders
            """);

        var (reader, _, provider) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        provider.ShouldNotBeNull().Description.ShouldContain("database=orders ", Case.Sensitive);
    }

    [Fact]
    public void A_flag_beats_the_environment_which_beats_the_file_for_every_postgres_field_at_once()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: file.invalid
              port: 6001
              name: file_db
              user: file_user
            """);
        var environment = new Dictionary<string, string> { ["DB_HOST"] = "env.invalid", ["DB_PORT"] = "6002", ["DB_NAME"] = "env_db" };
        var flags = new[]
        {
            new CommandLineConfigurationSource.FlagValue(PostgresConfigurationKeys.Host, "--db-host", "flag.invalid"),
        };

        var (reader, _, provider) = ConfigurationHarness.Read(config, environment, flags);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        provider.ShouldNotBeNull().Description
            .ShouldContain("host=flag.invalid port=6002 database=env_db user=file_user ", Case.Sensitive);
    }
}
