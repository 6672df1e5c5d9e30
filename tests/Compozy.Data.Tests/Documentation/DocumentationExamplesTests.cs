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
    private const string DbPage = "docs/cli/db.md";
    private const string AuthPage = "docs/cli/auth.md";
    private const string MonitoringPage = "docs/operations/wal-monitoring.md";
    private const string SqliteSources = "src/Compozy.Data.Sqlite";
    private const string OperationsSources = "src/Compozy.Data/Operations";
    private const string HealthSources = "src/Compozy.Data/Health";
    private const string SqliteMetricsSource = "src/Compozy.Data.Sqlite/Diagnostics/SqliteMetrics.cs";

    // The log phrases operators grep for (the seed's expectations, kept by the SQLite driver).
    private static readonly string[] OperatorLogPhrases =
    [
        "startup detected WAL residue",
        "startup-recovery checkpoint completed",
        "startup quick_check passed",
        "periodic quick_check passed",
        "periodic quick_check found damage",
        "periodic-checkpoint completed",
        "scheduled backup completed",
        "restore completed",
        "recovery completed",
        "startup recovered",
        "scheduled prune completed",
        "database unavailable: circuit opened after",
        "database reachable again: circuit closed after",
    ];

    // The variables the examples interpolate without a default; nothing else is visible to them,
    // so an example that depends on the machine's environment fails here.
    private static readonly Dictionary<string, string> FakeEnvironment = new(StringComparer.Ordinal)
    {
        ["APP_DB_PASSWORD"] = "example",
        ["QDRANT_API_KEY"] = "example",
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
    [InlineData("migrate script", MigratePage)]
    [InlineData("db status", DbPage)]
    [InlineData("db maintenance", DbPage)]
    [InlineData("db backup", DbPage)]
    [InlineData("db restore", DbPage)]
    [InlineData("db recover", DbPage)]
    [InlineData("db export", DbPage)]
    [InlineData("db import", DbPage)]
    [InlineData("db prune", DbPage)]
    [InlineData("auth bootstrap", AuthPage)]
    public async Task Every_flag_in_the_help_of_a_command_is_on_its_documentation_page(string command, string page)
    {
        var help = await CliHelp.ReadAsync(command);
        var documentation = DocumentationSource.ReadText(page);

        var flags = FlagToken().Matches(help).Select(match => match.Value).Distinct().ToList();
        flags.ShouldContain("--config", $"the help of {command} lists no --config; it was:{Environment.NewLine}{help}");
        flags.Where(flag => !MentionsFlag(documentation, flag))
            .ShouldBeEmpty($"{page} does not mention these flags of `compozy {command} --help`");
    }

    [Fact]
    public void Every_log_phrase_operators_grep_for_is_documented_with_a_log_line_the_code_writes()
    {
        var templates = LogMessageTemplates(SqliteSources).Concat(LogMessageTemplates(OperationsSources)).Concat(LogMessageTemplates(HealthSources)).ToList();
        templates.ShouldNotBeEmpty($"no [LoggerMessage] found under {SqliteSources}");
        var lines = DocumentationSource.MarkdownFiles()
            .SelectMany(file => DocumentationSource.ReadText(file).Split('\n'))
            .Select(line => line.Trim())
            .ToList();

        foreach (var phrase in OperatorLogPhrases)
        {
            var documented = lines.Where(line => line.Contains(phrase, StringComparison.Ordinal)).ToList();
            documented.ShouldNotBeEmpty($"no documentation page mentions the log phrase \"{phrase}\"");

            // At least one documented log line with the phrase must be one the code writes: the
            // same event id and level, and a message that fits a [LoggerMessage] template. A
            // renamed phrase, in the code or in the docs, fails here.
            var logLines = documented.Select(line => LogLine().Match(line)).Where(match => match.Success).ToList();
            logLines.ShouldContain(
                match => templates.Any(template => template.Matches(match)),
                $"no documented log line with \"{phrase}\" matches a [LoggerMessage] under {SqliteSources}, {OperationsSources} or {HealthSources}; the documented lines were:" +
                string.Concat(logLines.Select(match => Environment.NewLine + match.Value)));
        }
    }

    [Fact]
    public void Every_sqlite_metric_instrument_is_documented_on_the_monitoring_page()
    {
        var source = DocumentationSource.ReadText(SqliteMetricsSource);
        var page = DocumentationSource.ReadText(MonitoringPage);

        var names = InstrumentName().Matches(source).Select(match => match.Groups["name"].Value).ToList();
        names.ShouldNotBeEmpty($"no instrument found in {SqliteMetricsSource}");

        // An instrument whose name is not a string literal (a constant, an interpolated string)
        // must fail here rather than go unchecked.
        names.Count.ShouldBe(
            InstrumentCreation().Count(source),
            $"{SqliteMetricsSource} creates instruments whose name the test cannot read");

        names.Where(name => !page.Contains($"`{name}`", StringComparison.Ordinal))
            .ShouldBeEmpty($"{MonitoringPage} does not document these instruments of {SqliteMetricsSource}");
    }

    private static List<LogMessageTemplate> LogMessageTemplates(string sourceDirectory) =>
        Directory.EnumerateFiles(Path.Combine(DocumentationSource.RepositoryRoot, sourceDirectory), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .SelectMany(path => LoggerMessageAttribute().Matches(File.ReadAllText(path)))
            .Select(match => new LogMessageTemplate(
                int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture),
                match.Groups["level"].Value,
                new Regex(
                    "^" + Placeholder().Replace(Regex.Escape(match.Groups["message"].Value), ".+?") + "$",
                    RegexOptions.CultureInvariant)))
            .ToList();

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
            var (_, provider) = CompozyDataConfiguration.Read(reader, BuiltInDatabaseProviders.All, BuiltInVectorStoreProviders.All);
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

    private static bool MentionsFlag(string documentation, string flag) =>
        Regex.IsMatch(documentation, $@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])", RegexOptions.CultureInvariant);

    private static string Describe(IReadOnlyList<ConfigurationProblem> problems) =>
        string.Concat(problems.Select(problem => $"{Environment.NewLine}  {problem}"));

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex FlagToken();

    // A cell may contain an escaped pipe (\|), which does not end it.
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex TableCellSeparator();

    // [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "...")]
    [GeneratedRegex(@"\[LoggerMessage\(\s*EventId\s*=\s*(?<id>\d+)\s*,\s*Level\s*=\s*LogLevel\.(?<level>\w+)\s*,\s*Message\s*=\s*""(?<message>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LoggerMessageAttribute();

    // A {Name} or {Name:F0} placeholder of a template after Regex.Escape, which escapes "{" only.
    [GeneratedRegex(@"\\\{[^}]*\}")]
    private static partial Regex Placeholder();

    // A log line as the CLI writes it, with or without its timestamp:
    // 2026-11-22T04:25:33.708Z warn: Compozy.Data.Sqlite.Startup.SqliteStartupCheck[3011] startup detected WAL residue: ...
    [GeneratedRegex(@"^(?:\S+\s+)?(?<level>trce|dbug|info|warn|fail|crit): (?<category>[\w.]+)\[(?<id>\d+)\] (?<message>.+)$")]
    private static partial Regex LogLine();

    // The name, a string literal, of m.CreateCounter<long>("name", ...), CreateHistogram, CreateObservableGauge, ...
    [GeneratedRegex(@"\.Create(?:Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\s*(?:<[^>()]*>)?\s*\(\s*""(?<name>[^""]+)""")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"\.Create(?:Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\s*(?:<[^>()]*>)?\s*\(")]
    private static partial Regex InstrumentCreation();

    private sealed record LogMessageTemplate(int EventId, string Level, Regex Message)
    {
        public bool Matches(Match logLine) =>
            int.Parse(logLine.Groups["id"].Value, CultureInfo.InvariantCulture) == EventId &&
            logLine.Groups["level"].Value == ConsoleLevel(Level) &&
            Message.IsMatch(logLine.Groups["message"].Value);

        // The level names of Microsoft.Extensions.Logging.Console.
        private static string ConsoleLevel(string level) => level switch
        {
            "Trace" => "trce",
            "Debug" => "dbug",
            "Information" => "info",
            "Warning" => "warn",
            "Error" => "fail",
            "Critical" => "crit",
            _ => level,
        };
    }
}
