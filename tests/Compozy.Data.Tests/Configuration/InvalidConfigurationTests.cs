namespace Compozy.Data.Tests.Configuration;

/// <summary><c>migrate up</c> is the command run because it is the one that would create the database file.</summary>
public sealed class InvalidConfigurationTests
{
    private const int InvalidConfigurationExitCode = 2;

    public static TheoryData<string> CaseNames => new(InvalidConfigurationCases.All.Select(testCase => testCase.Name));

    [Fact]
    public void The_table_holds_at_least_thirty_distinct_bad_configurations()
    {
        InvalidConfigurationCases.All.Count.ShouldBeGreaterThanOrEqualTo(30);
        InvalidConfigurationCases.All.Select(testCase => testCase.Name).ShouldBeUnique();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_configuration_is_rejected_with_a_precise_problem_and_nothing_created(string name)
    {
        var testCase = InvalidConfigurationCases.Get(name);
        using var temp = new TemporaryDirectory();
        var config = temp.Combine("compozy.yaml");
        var database = temp.Combine("sub", "dir", "compozy.db");
        string Fill(string text) => text
            .Replace("{config}", config, StringComparison.Ordinal)
            .Replace("{db}", database, StringComparison.Ordinal)
            .Replace("{temp}", temp.Path, StringComparison.Ordinal);

        testCase.Arrange?.Invoke(temp);
        if (testCase.Yaml is not null)
        {
            await File.WriteAllTextAsync(config, Fill(testCase.Yaml));
        }

        var before = temp.Entries();
        var environment = testCase.Environment.ToDictionary(pair => pair.Key, pair => Fill(pair.Value), StringComparer.Ordinal);
        var run = await CliRun.ExecuteAsync(environment, [.. testCase.Command, "--config", config, .. testCase.Arguments.Select(Fill)]);

        run.ExitCode.ShouldBe(InvalidConfigurationExitCode, run.Error);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldStartWith("compozy: configuration is invalid (1 problem):", Case.Sensitive);
        run.ProblemLines.Count.ShouldBe(1, run.Error);

        var line = run.ProblemLineFor(testCase.Key);
        if (testCase.Value is not null)
        {
            line.ShouldContain($"\"{Fill(testCase.Value)}\"", Case.Sensitive);
        }

        if (testCase.Allowed is not null)
        {
            line.ShouldContain(Fill(testCase.Allowed), Case.Sensitive);
        }

        if (testCase.Source is not null)
        {
            line.ShouldEndWith($"(from {Fill(testCase.Source)})", Case.Sensitive);
        }

        foreach (var mention in testCase.Mentions)
        {
            line.ShouldContain(Fill(mention), Case.Sensitive);
        }

        if (testCase.Hidden is not null)
        {
            (run.Output + run.Error).ShouldNotContain(testCase.Hidden);
        }

        Directory.Exists(temp.Combine("sub")).ShouldBeFalse();
        temp.Entries().ShouldBe(before);
    }
}
