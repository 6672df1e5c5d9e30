using Compozy.Data.Postgres.Connections;
using Npgsql;

namespace Compozy.Data.Tests.Configuration;

public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgres://user:p%40ss@db.example:6543/app?sslmode=require")]
    [InlineData("postgresql://user:p%40ss@db.example:6543/app?sslmode=require")]
    [InlineData("  POSTGRES://user:p%40ss@db.example:6543/app?sslmode=require  ")]
    public void The_url_form_is_translated_to_npgsql_settings(string url)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        PostgresConnectionString.TryApply(url, builder, out var error).ShouldBeTrue(error);

        builder.Host.ShouldBe("db.example");
        builder.Port.ShouldBe(6543);
        builder.Database.ShouldBe("app");
        builder.Username.ShouldBe("user");
        builder.Password.ShouldBe("p@ss");
        builder.SslMode.ShouldBe(SslMode.Require);
    }

    [Fact]
    public void The_url_form_passes_known_query_parameters_on()
    {
        var builder = new NpgsqlConnectionStringBuilder();
        PostgresConnectionString.TryApply(
            "postgres://app@db.example/compozy?connect_timeout=7&application_name=worker&target_session_attrs=primary&Include%20Error%20Detail=true",
            builder,
            out var error).ShouldBeTrue(error);

        builder.Timeout.ShouldBe(7);
        builder.ApplicationName.ShouldBe("worker");
        builder.TargetSessionAttributes.ShouldBe("primary");
        builder.IncludeErrorDetail.ShouldBeTrue();
        builder.Password.ShouldBeNull();
    }

    [Theory]
    [InlineData("postgres://app@[::1]:5433/compozy", "::1", 5433)]
    [InlineData("postgres://app@db.example/compozy", "db.example", 5432)]
    [InlineData("postgres://app@db1.example:5432,db2.example:5433/compozy", "db1.example:5432,db2.example:5433", 5432)]
    public void The_url_form_reads_one_host_and_port_or_passes_a_host_list_on(string url, string expectedHost, int expectedPort)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        PostgresConnectionString.TryApply(url, builder, out var error).ShouldBeTrue(error);

        builder.Host.ShouldBe(expectedHost);
        builder.Port.ShouldBe(expectedPort);
    }

    [Fact]
    public void The_keyword_form_is_read_as_npgsql_reads_it()
    {
        var builder = new NpgsqlConnectionStringBuilder();
        PostgresConnectionString.TryApply(
            "Host=db.example;Port=6543;Database=app;Username=user;Password=p@ss;SSL Mode=VerifyFull",
            builder,
            out var error).ShouldBeTrue(error);

        builder.Host.ShouldBe("db.example");
        builder.Port.ShouldBe(6543);
        builder.Database.ShouldBe("app");
        builder.Username.ShouldBe("user");
        builder.Password.ShouldBe("p@ss");
        builder.SslMode.ShouldBe(SslMode.VerifyFull);
    }

    [Theory]
    [InlineData("postgres://app:pw-4711@db.example/app?sslmode=sometimes", "has an sslmode in its URL that is not supported; allowed: disable, allow, prefer, require, verify-ca, verify-full", "sometimes")]
    [InlineData("postgres://app:pw-4711@db.example/app?no_such_setting=1", "has a URL parameter that is not a connection setting", "no_such_setting")]
    public void A_bad_url_is_rejected_without_echoing_any_part_of_it(string url, string expectedError, string notEchoed)
    {
        PostgresConnectionString.TryApply(url, new NpgsqlConnectionStringBuilder(), out var error).ShouldBeFalse();

        error.ShouldNotBeNull().ShouldStartWith(expectedError, Case.Sensitive);
        error.ShouldNotContain(notEchoed);
        error.ShouldNotContain("pw-4711");
    }

    [Theory]
    [InlineData("Host=db.example;Password=pw-4711;Port=abc")]
    [InlineData("Host=db.example;Password=pw-4711;No Such Keyword=1")]
    [InlineData("Host=db.example;Password=pw-4711;Dangling")]
    [InlineData("Host=db.example;Password='pw-4711")]
    public void A_bad_keyword_string_is_rejected_without_echoing_it(string text)
    {
        PostgresConnectionString.TryApply(text, new NpgsqlConnectionStringBuilder(), out var error).ShouldBeFalse();

        error.ShouldNotBeNull().ShouldContain("allowed: Npgsql keywords such as Host=db;Database=compozy;Username=app", Case.Sensitive);
        error.ShouldNotContain("pw-4711");
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("Verify-Full", SslMode.VerifyFull)]
    public void Every_libpq_ssl_mode_maps_to_npgsql(string name, SslMode expected)
    {
        PostgresConnectionString.TrySslMode(name, out var mode).ShouldBeTrue();

        mode.ShouldBe(expected);
    }

    [Theory]
    [InlineData("verify_full")]
    [InlineData("true")]
    [InlineData("")]
    public void An_unknown_ssl_mode_is_not_mapped(string name)
    {
        PostgresConnectionString.TrySslMode(name, out _).ShouldBeFalse();
    }
}
