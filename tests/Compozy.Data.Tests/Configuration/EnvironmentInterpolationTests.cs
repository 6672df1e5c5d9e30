using Compozy.Data.Configuration;

namespace Compozy.Data.Tests.Configuration;

public sealed class EnvironmentInterpolationTests
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["APP_DB_HOST"] = "db.example",
        ["APP_DB_PORT"] = "6543",
        ["EMPTY"] = string.Empty,
        ["_UNDER_1"] = "underscored",
        ["HOLDS_A_REFERENCE"] = "${APP_DB_HOST}",
    };

    private static string? Lookup(string name) => Variables.GetValueOrDefault(name);

    [Theory]
    [InlineData("${APP_DB_HOST}", "db.example")]
    [InlineData("${APP_DB_HOST}:${APP_DB_PORT}", "db.example:6543")]
    [InlineData("postgres://app@${APP_DB_HOST}/compozy", "postgres://app@db.example/compozy")]
    [InlineData("${_UNDER_1}", "underscored")]
    [InlineData("${APP_DB_HOST:-fallback}", "db.example")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("${UNSET:-a:-b}", "a:-b")]
    [InlineData("${EMPTY:-used when empty}", "used when empty")]
    [InlineData("$${APP_DB_HOST}", "${APP_DB_HOST}")]
    [InlineData("cost: $5 and $$ stay", "cost: $5 and $$ stay")]
    [InlineData("no variables", "no variables")]
    public void Variables_and_defaults_are_expanded(string text, string expected)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out var expanded, out var error).ShouldBeTrue(error);

        expanded.ShouldBe(expected);
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("${UNSET:-${APP_DB_HOST}}", "db.example")]
    [InlineData("${UNSET:-${OTHER_UNSET:-deep}}", "deep")]
    [InlineData("${UNSET:-${APP_DB_HOST}:${APP_DB_PORT}}", "db.example:6543")]
    [InlineData("${UNSET:-a${APP_DB_PORT}b}/c", "a6543b/c")]
    [InlineData("${APP_DB_HOST:-${UNSET}}", "db.example")]
    [InlineData("${UNSET:-$${APP_DB_HOST}}", "${APP_DB_HOST}")]
    [InlineData("${HOLDS_A_REFERENCE}", "${APP_DB_HOST}")]
    [InlineData("${A1:-${A2:-${A3:-${A4:-${A5:-${A6:-${A7:-${A8:-eight}}}}}}}}", "eight")]
    public void A_reference_in_a_default_is_expanded_when_the_default_is_used(string text, string expected)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out var expanded, out var error).ShouldBeTrue(error);

        expanded.ShouldBe(expected);
    }

    [Fact]
    public void A_default_that_is_not_used_is_not_looked_up()
    {
        var looked = new List<string>();

        EnvironmentInterpolation.TryExpand("${SET:-${SECRET}}", name => { looked.Add(name); return name == "SET" ? "value" : null; }, out var expanded, out _).ShouldBeTrue();

        expanded.ShouldBe("value");
        looked.ShouldBe(["SET"]);
    }

    [Theory]
    [InlineData("${UNSET:-${OTHER_UNSET}}", "refers to environment variable OTHER_UNSET, which is not set; set it or write ${OTHER_UNSET:-default}")]
    [InlineData("${APP_DB_HOST:-${1BAD}}", "has a ${...} whose name is not an environment variable name (letters, digits and _, not starting with a digit)")]
    [InlineData("${UNSET:-${APP_DB_HOST}", "has an unterminated ${...} at character 1")]
    [InlineData("${UNSET:-${APP_DB_HOST", "has an unterminated ${...} at character 10")]
    [InlineData("${A1:-${A2:-${A3:-${A4:-${A5:-${A6:-${A7:-${A8:-${A9:-nine}}}}}}}}}", "nests ${...} in defaults more than 8 deep at character 49; allowed: at most 8 levels, as in ${A:-${B}}")]
    public void A_nested_reference_is_refused_with_the_same_rules_as_any_other(string text, string message)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out _, out var error).ShouldBeFalse();

        error.ShouldBe(message);
    }

    [Fact]
    public void An_escaped_reference_is_not_looked_up()
    {
        var looked = new List<string>();

        EnvironmentInterpolation.TryExpand("$${SECRET}", name => { looked.Add(name); return "leaked"; }, out var expanded, out _).ShouldBeTrue();

        expanded.ShouldBe("${SECRET}");
        looked.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("${UNSET}", "UNSET")]
    [InlineData("prefix-${EMPTY}", "EMPTY")]
    public void A_variable_that_is_unset_or_empty_without_a_default_is_an_error_naming_it(string text, string variable)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out _, out var error).ShouldBeFalse();

        error.ShouldBe($"refers to environment variable {variable}, which is not set; set it or write ${{{variable}:-default}}");
    }

    [Theory]
    [InlineData("${APP_DB_HOST", 1)]
    [InlineData("abc${APP_DB_HOST", 4)]
    [InlineData("${APP_DB_HOST}/${APP_DB_PORT", 16)]
    public void An_unterminated_reference_is_an_error_with_its_position(string text, int character)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out _, out var error).ShouldBeFalse();

        error.ShouldBe($"has an unterminated ${{...}} at character {character}");
    }

    [Theory]
    [InlineData("${}", "${}")]
    [InlineData("${1ABC}", "1ABC")]
    [InlineData("${DB-HOST}", "DB-HOST")]
    [InlineData("${DB HOST:-x}", "DB HOST")]
    [InlineData("${:-default}", ":-default")]
    public void A_reference_that_is_not_a_variable_name_is_an_error_that_does_not_echo_it(string text, string body)
    {
        EnvironmentInterpolation.TryExpand(text, Lookup, out _, out var error).ShouldBeFalse();

        // In a secret's value the text between the braces may be the secret itself.
        error.ShouldBe("has a ${...} whose name is not an environment variable name (letters, digits and _, not starting with a digit)");
        error!.ShouldNotContain(body);
    }

    [Fact]
    public void Interpolation_errors_in_compozy_yaml_name_the_key_and_the_position_of_the_value()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: ${APP_DB_HOST}
              user: "${MISSING_USER}"
              name: app-${APP_DB_HOST
            knowledge:
              vector_dbs:
                - id: docs
                  url: ${1URL}
            """);

        var reader = ConfigurationHarness.CreateReader(config, Variables);

        reader.ReadRaw("database:host").ShouldBe("db.example");
        reader.Problems.ShouldBe(
            [
                new ConfigurationProblem(
                    "database.user",
                    "refers to environment variable MISSING_USER, which is not set; set it or write ${MISSING_USER:-default}",
                    $"{config}:4:9"),
                new ConfigurationProblem("database.name", "has an unterminated ${...} at character 5", $"{config}:5:9"),
                new ConfigurationProblem(
                    "knowledge.vector_dbs[0].url",
                    "has a ${...} whose name is not an environment variable name (letters, digits and _, not starting with a digit)",
                    $"{config}:9:12"),
            ],
            ignoreOrder: true);
    }

    [Fact]
    public void An_interpolated_value_keeps_the_position_of_its_yaml_scalar_as_its_origin()
    {
        using var temp = new TemporaryDirectory();
        var config = ConfigurationHarness.WriteConfig(temp, """
            database:
              driver: postgres
              host: ${APP_DB_HOST}
              port: ${APP_DB_PORT:-5432}
            """);

        var reader = ConfigurationHarness.CreateReader(config, Variables);

        reader.Read<int>(Compozy.Data.Postgres.Configuration.PostgresConfigurationKeys.Port).ShouldBe(6543);
        reader.DescribeOrigin("database:port").ShouldBe($"{config}:4:9");
        reader.Problems.ShouldBeEmpty();
    }
}
