using Compozy.Data.Postgres.Configuration;
using Compozy.Data.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compozy.Data.Tests.Configuration;

public sealed class PostgresProviderConfigurationTests
{
    [Fact]
    public void A_url_conn_string_is_described_without_its_password()
    {
        var (provider, builder) = Configure("""
            database:
              driver: postgres
              conn_string: postgres://user:p%40ss@db.example:6543/app?sslmode=require
            """);

        provider.Description.ShouldStartWith("postgres host=db.example port=6543 database=app user=user ssl_mode=require ", Case.Sensitive);
        provider.Description.ShouldNotContain("p@ss");
        provider.Description.ShouldNotContain("p%40ss");
        builder.Password.ShouldBe("p@ss");
    }

    [Fact]
    public void Explicit_fields_override_the_parts_of_conn_string()
    {
        var (provider, builder) = Configure("""
            database:
              driver: postgres
              conn_string: postgres://user:p%40ss@db.example:6543/app?sslmode=require&connect_timeout=30
              host: other.example
              port: 7000
              user: other_user
              password: other-password
              dbname: other_db
              ssl_mode: disable
              connect_timeout: 3s
            """);

        provider.Description.ShouldStartWith(
            "postgres host=other.example port=7000 database=other_db user=other_user ssl_mode=disable ", Case.Sensitive);
        builder.Password.ShouldBe("other-password");
        builder.Timeout.ShouldBe(3);
    }

    [Fact]
    public void Parts_conn_string_leaves_out_fall_back_to_the_fields_and_their_defaults()
    {
        var (provider, builder) = Configure("""
            database:
              driver: postgres
              conn_string: Host=db.example;Username=app
              max_open_conns: 40
              max_idle_conns: 4
            """);

        provider.Description.ShouldBe(
            "postgres host=db.example port=5432 database=compozy user=app ssl_mode=prefer (pool of 4 to 40 connections; concurrent writers, transient failures retried)");
        builder.MaxPoolSize.ShouldBe(40);
        builder.MinPoolSize.ShouldBe(4);
        builder.ApplicationName.ShouldBe("compozy");
        builder.NoResetOnClose.ShouldBeTrue("the pool skips the reset of a returned connection unless conn_string asks for it");
    }

    [Fact]
    public void Conn_string_can_ask_for_the_reset_of_a_pooled_connection_back()
    {
        var (_, builder) = Configure("""
            database:
              driver: postgres
              conn_string: Host=db.example;Username=app;No Reset On Close=false
            """);

        builder.NoResetOnClose.ShouldBeFalse();
    }

    [Fact]
    public void Separate_fields_build_the_connection_string_with_compozy_defaults()
    {
        var (provider, builder) = Configure("""
            database:
              driver: postgres
              host: db.example
              user: app
              password: pw-4711
            """);

        provider.Description.ShouldBe(
            "postgres host=db.example port=5432 database=compozy user=app ssl_mode=prefer (pool of 2 to 25 connections; concurrent writers, transient failures retried)");
        provider.Description.ShouldNotContain("pw-4711");
        builder.Password.ShouldBe("pw-4711");
        builder.Timeout.ShouldBe(10);
        builder.ConnectionLifetime.ShouldBe(300);
        builder.ConnectionIdleLifetime.ShouldBe(60);
    }

    [Fact]
    public void Compozy_defaults_apply_where_conn_string_is_silent_and_yield_where_it_speaks()
    {
        var (_, silent) = Configure("""
            database:
              driver: postgres
              conn_string: Host=db.example
            """);
        var (_, speaking) = Configure("""
            database:
              driver: postgres
              conn_string: Host=db.example;Timeout=25;Maximum Pool Size=9;Database=orders
            """);

        (silent.Timeout, silent.MaxPoolSize, silent.Database).ShouldBe((10, 25, "compozy"));
        (speaking.Timeout, speaking.MaxPoolSize, speaking.Database).ShouldBe((25, 9, "orders"));
    }

    [Fact]
    public void A_small_pool_lowers_the_default_idle_count_instead_of_failing()
    {
        var (provider, builder) = Configure("""
            database:
              driver: postgres
              host: db.example
              max_open_conns: 1
            """);

        (builder.MinPoolSize, builder.MaxPoolSize).ShouldBe((1, 1));
        provider.Description.ShouldContain("pool of 1 to 1 connections");
    }

    [Fact]
    public void Sub_second_durations_round_up_to_whole_seconds_instead_of_meaning_never()
    {
        var (_, builder) = Configure("""
            database:
              driver: postgres
              host: db.example
              conn_max_lifetime: 500ms
              connect_timeout: 1500ms
            """);

        (builder.ConnectionLifetime, builder.Timeout).ShouldBe((1, 2));
    }

    [Fact]
    public void Statements_are_prepared_automatically_unless_max_auto_prepare_or_conn_string_says_otherwise()
    {
        var (_, byDefault) = Configure("""
            database:
              driver: postgres
              host: db.example
            """);
        var (_, turnedOff) = Configure("""
            database:
              driver: postgres
              host: db.example
              max_auto_prepare: 0
            """);
        var (_, fromConnString) = Configure("""
            database:
              driver: postgres
              conn_string: Host=db.example;Max Auto Prepare=10;Auto Prepare Min Usages=7
            """);

        (byDefault.MaxAutoPrepare, byDefault.AutoPrepareMinUsages).ShouldBe((64, 2));
        turnedOff.MaxAutoPrepare.ShouldBe(0);
        (fromConnString.MaxAutoPrepare, fromConnString.AutoPrepareMinUsages).ShouldBe((10, 7));
    }

    private static (IConfiguredDatabaseProvider Provider, NpgsqlConnectionStringBuilder ConnectionString) Configure(string yaml)
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, yaml);
        var (reader, _, provider) = ConfigurationHarness.Read(config);
        reader.Problems.ShouldBeEmpty(ConfigurationHarness.Describe(reader.Problems));

        var services = new ServiceCollection();
        provider.ShouldNotBeNull().AddServices(services);
        using var built = services.BuildServiceProvider();
        var options = built.GetRequiredService<IOptions<PostgresOptions>>().Value;
        return (provider, new NpgsqlConnectionStringBuilder(options.ConnectionString));
    }
}
