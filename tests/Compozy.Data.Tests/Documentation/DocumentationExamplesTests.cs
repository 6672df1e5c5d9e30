using System.Globalization;
using System.Text.RegularExpressions;
using Compozy.Cli;
using Compozy.Cli.Configuration;
using Compozy.Data.Configuration;
using Compozy.Data.Hosting;

namespace Compozy.Data.Tests.Documentation;

public sealed partial class DocumentationExamplesTests
{
    private const string DatabaseReference = "docs/configuration/database.md";
    private const string StartPage = "docs/cli/start.md";
    private const string MigratePage = "docs/cli/migrate.md";

    // The variables the examples interpolate without a default; nothing else is visible to them,
    // so an example that depends on the machine's environment fails here.
    private static readonly Dictionary<string, string> FakeEnvironment = new(StringComparer.Ordinal)
    {
        ["APP_DB_PASSWORD"] = "example",
    };

    public static TheoryData<string> YamlExampleLabels()
    {
        var labels = new TheoryData<string>();
        foreach (var example in DocumentationSource.YamlExamples)
        {
            labels.Add(example.Label);
        }

        return labels;
    }

    [Fact]
    public void The_documentation_has_both_valid_and_invalid_yaml_examples_to_check()
    {
        var examples = DocumentationSource.YamlExamples;

        examples.ShouldContain(example => !example.IsMarkedInvalid && example.File.StartsWith("docs/", StringComparison.Ordinal));
        examples.ShouldContain(example => example.IsMarkedInvalid);
        examples.ShouldContain(example => example.File == "compozy.yaml");
        examples.Select(example => example.Label).ShouldBeUnique();
    }

    [Theory]
    [MemberData(nameof(YamlExampleLabels))]
    public void Each_yaml_example_passes_or_fails_validation_as_its_fence_says(string example)
    {
        var yaml = DocumentationSource.YamlExamples.Single(candidate => candidate.Label == example);
        yaml.InfoString.ShouldBeOneOf(YamlExample.ValidInfoString, YamlExample.InvalidInfoString);

        var (problems, provider) = Validate(yaml.Text);

        if (yaml.IsMarkedInvalid)
        {
            var expected = yaml.ExpectedProblem.ShouldNotBeNull($"{example}: an invalid example must start with '# expect: <part of the message>'");
            problems.ShouldNotBeEmpty($"{example} is marked invalid but validates");
            problems.ShouldContain(
                problem => problem.ToString().Contains(expected, StringComparison.Ordinal),
                $"{example}: no problem contains \"{expected}\"; the problems were:{Describe(problems)}");
        }
        else
        {
            problems.ShouldBeEmpty($"{example} is documented as valid; the problems were:{Describe(problems)}");
            provider.ShouldNotBeNull();
        }
    }

    [Fact]
    public void The_database_reference_has_a_row_for_every_database_key_with_its_variable_flag_and_default()
    {
        var reference = DocumentationSource.ReadText(DatabaseReference);

        foreach (var key in CompozyConfigurationSources.DataKeys)
        {
            ShouldHaveRow(reference, DatabaseReference, key);
        }
    }

    [Fact]
    public void The_start_page_has_a_row_for_every_server_key_with_its_variable_flag_and_default()
    {
        var page = DocumentationSource.ReadText(StartPage);

        foreach (var key in ServerConfigurationKeys.All)
        {
            ShouldHaveRow(page, StartPage, key);
        }
    }

    [Theory]
    [InlineData("start", StartPage)]
    [InlineData("migrate up", MigratePage)]
    [InlineData("migrate down", MigratePage)]
    [InlineData("migrate status", MigratePage)]
    public async Task Every_flag_in_the_help_of_a_command_is_on_its_documentation_page(string command, string page)
    {
        var help = await RunHelpAsync(command);
        var documentation = DocumentationSource.ReadText(page);

        var flags = FlagToken().Matches(help).Select(match => match.Value).Distinct().ToList();
        flags.ShouldContain("--config", $"the help of {command} lists no --config; it was:{Environment.NewLine}{help}");
        flags.Where(flag => !MentionsFlag(documentation, flag))
            .ShouldBeEmpty($"{page} does not mention these flags of `compozy {command} --help`");
    }

    private static (IReadOnlyList<ConfigurationProblem> Problems, object? Provider) Validate(string yaml)
    {
        var directory = Directory.CreateTempSubdirectory("compozy-docs-");
        try
        {
            var file = Path.Combine(directory.FullName, "compozy.yaml");
            File.WriteAllText(file, yaml);

            // The same steps as the CLI's ConfigurationLoader for `compozy start`, which reads the most keys.
            var keys = CompozyConfigurationSources.DataKeys.Concat(ServerConfigurationKeys.All).ToList();
            var configuration = CompozyConfigurationSources.Build(file, keys, flags: [], getEnvironmentVariable: FakeEnvironment.GetValueOrDefault);
            var reader = new ConfigurationReader(configuration);
            ServerOptions.Read(reader);
            reader.ReportUnknownKeys("server", ServerConfigurationKeys.All.Select(key => key.ConfigurationPath));
            var (_, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All);
            return (reader.Problems, provider);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void ShouldHaveRow(string documentation, string page, ConfigurationKey key)
    {
        var rows = documentation.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith($"| `{key.Path}`", StringComparison.Ordinal))
            .ToList();
        rows.Count.ShouldBe(1, $"{page} should have one table row starting with `{key.Path}`");

        var cells = TableCellSeparator().Split(rows[0].Trim('|')).Select(cell => cell.Trim()).ToList();
        cells.Count.ShouldBeGreaterThanOrEqualTo(4, rows[0]);
        cells[1].ShouldBe($"`{key.EnvironmentVariable}`", $"environment variable of {key.Path} in {page}");
        cells[2].ShouldBe(key.Flag is null ? "-" : $"`{key.Flag}`", $"flag of {key.Path} in {page}");
        cells[3].ShouldBe(key.Default is null ? "none" : $"`{key.Default}`", $"default of {key.Path} in {page}");
    }

    private static async Task<string> RunHelpAsync(string command)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await CompozyCli.RunAsync([.. command.Split(' '), "--help"], new CliConsole(output, error, _ => null));
        exitCode.ShouldBe(0, error.ToString());
        return output.ToString();
    }

    private static bool MentionsFlag(string documentation, string flag) =>
        Regex.IsMatch(documentation, $@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])", RegexOptions.CultureInvariant);

    private static string Describe(IReadOnlyList<ConfigurationProblem> problems) =>
        string.Concat(problems.Select(problem => $"{Environment.NewLine}  {problem}"));

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex FlagToken();

    // A cell may contain an escaped pipe (\|), which does not end it.
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex TableCellSeparator();
}
