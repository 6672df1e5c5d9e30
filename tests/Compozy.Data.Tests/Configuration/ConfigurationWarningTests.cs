using Compozy.Data.Configuration;

namespace Compozy.Data.Tests.Configuration;

public sealed class ConfigurationWarningTests
{
    [Fact]
    public void Without_a_vector_database_knowledge_bases_use_the_store_of_the_driver_without_a_warning()
    {
        using var temp = new TemporaryDirectory();
        var sqlite = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: sqlite
              path: '{temp.Combine("compozy.db")}'
            """);
        var (reader, options, provider) = ConfigurationHarness.Read(sqlite);
        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Warnings));
        provider.ShouldNotBeNull();
        var embedded = options.Knowledge.VectorDatabases.ShouldHaveSingleItem();
        (embedded.Id, embedded.Provider, embedded.IsDefault, embedded.Dimension).ShouldBe(("default", "embedded", true, 0));

        var postgres = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: localhost
            """);
        (reader, options, _) = ConfigurationHarness.Read(postgres);
        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        options.Knowledge.VectorDatabases.ShouldHaveSingleItem().Provider.ShouldBe("pgvector");
    }

    [Fact]
    public void Sqlite_with_a_qdrant_vector_database_has_no_warning()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: sqlite
              path: '{temp.Combine("compozy.db")}'
            knowledge:
              vector_dbs:
                - id: docs
                  provider: qdrant
                  url: http://localhost:6333
                  dimension: 768
            """);

        var (reader, _, _) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Warnings));
    }

    [Fact]
    public void A_postgres_setting_under_the_sqlite_driver_is_a_warning_naming_its_source_not_an_error()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, $"""
            database:
              driver: sqlite
              path: '{temp.Combine("compozy.db")}'
              host: db.example
            knowledge:
              vector_dbs:
                - id: docs
                  provider: qdrant
                  url: http://localhost:6333
                  dimension: 768
            """);

        var (reader, _, provider) = ConfigurationHarness.Read(config, new Dictionary<string, string> { ["DB_MAX_OPEN_CONNS"] = "10" });

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        provider.ShouldNotBeNull().Driver.ShouldBe("sqlite");
        reader.Warnings.ShouldBe(
            [
                new ConfigurationProblem("database.host", "is set but the sqlite driver does not use it", $"{config}:4:9"),
                new ConfigurationProblem("database.max_open_conns", "is set but the sqlite driver does not use it", "environment variable DB_MAX_OPEN_CONNS"),
            ],
            ignoreOrder: true);
    }

    [Fact]
    public void A_sqlite_setting_under_the_postgres_driver_is_a_warning_not_an_error()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: db.example
              busy_timeout: 5s
            """);

        var (reader, _, _) = ConfigurationHarness.Read(config);

        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));
        reader.Warnings.ShouldBe([new ConfigurationProblem("database.busy_timeout", "is set but the postgres driver does not use it", $"{config}:4:17")]);
    }
}
