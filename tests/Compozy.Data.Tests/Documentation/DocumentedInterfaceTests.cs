using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Compozy.Api.Errors;
using Compozy.Cli;
using Compozy.Cli.Configuration;
using Compozy.Data.Hosting;

namespace Compozy.Data.Tests.Documentation;

/// <summary>
/// What the documentation says about the CLI's interface, read back against the CLI itself, in the
/// direction the other documentation tests do not check: every flag a command page's tables
/// document is in that command's help, every exit code a page documents is one the CLI defines
/// (and every one it defines is documented), every <c>DB_*</c> or <c>SERVER_*</c> variable the
/// docs name is one the configuration reads, and docs/api.md's table of error codes is the API's
/// catalog, status for status.
/// </summary>
public sealed partial class DocumentedInterfaceTests
{
    private const string ApiPage = "docs/api.md";

    private static readonly Dictionary<string, string[]> CommandsOfPage = new(StringComparer.Ordinal)
    {
        ["docs/cli/start.md"] = ["start"],
        ["docs/cli/migrate.md"] = ["migrate up", "migrate down", "migrate status", "migrate script"],
        ["docs/cli/db.md"] = ["db status", "db maintenance", "db backup", "db restore", "db recover", "db export", "db import", "db prune"],
        ["docs/cli/auth.md"] = ["auth bootstrap"],
    };

    public static TheoryData<string> CommandPages() => [.. CommandsOfPage.Keys];

    [Theory]
    [MemberData(nameof(CommandPages))]
    public async Task Every_flag_in_a_table_of_a_command_page_is_in_the_help_of_one_of_its_commands(string page)
    {
        var help = string.Concat(await Task.WhenAll(CommandsOfPage[page].Select(CliHelp.ReadAsync)));
        var documented = DocumentationSource.ReadText(page).Split('\n')
            .Where(line => line.StartsWith("| `--", StringComparison.Ordinal))
            .Select(line => TableFlag().Match(line).Groups["flag"].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        documented.ShouldNotBeEmpty($"{page} has no table row of flags");
        documented.Where(flag => !Regex.IsMatch(help, $@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])", RegexOptions.CultureInvariant))
            .ShouldBeEmpty($"{page} documents flags that no `compozy {string.Join(" | ", CommandsOfPage[page])} --help` lists");
    }

    [Fact]
    public void Every_exit_code_a_page_documents_is_one_the_cli_defines_and_every_one_it_defines_is_documented()
    {
        var defined = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (int)field.GetRawConstantValue()!)
            .ToHashSet();
        var documented = new Dictionary<int, List<string>>();
        foreach (var page in DocumentationSource.MarkdownFiles().Where(file => file.StartsWith("docs/cli/", StringComparison.Ordinal)))
        {
            foreach (var code in ExitCodeRows(DocumentationSource.ReadText(page)))
            {
                documented.TryAdd(code, []);
                documented[code].Add(page);
            }
        }

        documented.Keys.Where(code => !defined.Contains(code))
            .Select(code => $"{code} (in {string.Join(", ", documented[code])})")
            .ShouldBeEmpty("exit codes documented that src/Compozy.Cli/ExitCodes.cs does not define");
        defined.Where(code => !documented.ContainsKey(code))
            .ShouldBeEmpty("exit codes the CLI defines that no page of docs/cli documents");
    }

    [Fact]
    public void Every_compozy_environment_variable_the_docs_name_is_one_the_configuration_reads()
    {
        var keys = CompozyConfigurationSources.DataKeys.Concat(ServerConfigurationKeys.All).ToList();
        var known = keys.Select(key => key.EnvironmentVariable).Concat(keys.SelectMany(key => key.EnvironmentAliases)).ToHashSet(StringComparer.Ordinal);

        var uses = DocumentationSource.MarkdownFiles()
            .Where(file => !file.StartsWith("docs/reference/", StringComparison.Ordinal))
            .SelectMany(file => CompozyVariable().Matches(DocumentationSource.ReadText(file)).Select(match => (file, name: match.Value)))
            .ToList();
        uses.ShouldContain(use => use.name == "DB_PATH", "the variable pattern found none of the documented variables");

        var unknown = uses
            .Where(use => !known.Contains(use.name))
            .Select(use => $"{use.name} in {use.file}")
            .Distinct(StringComparer.Ordinal)
            .ToList();

        unknown.ShouldBeEmpty("the docs name DB_*/SERVER_* variables that compozy does not read");
    }

    [Fact]
    public void The_error_table_of_the_api_page_lists_exactly_the_codes_the_api_answers_with_their_statuses()
    {
        var catalog = typeof(ProblemCode).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(property => property.PropertyType == typeof(ProblemCode))
            .Select(property => (ProblemCode)property.GetValue(null)!)
            .Select(problem => $"{problem.Status} {problem.Code}")
            .ToHashSet(StringComparer.Ordinal);
        var documented = new HashSet<string>(StringComparer.Ordinal);
        var inSection = false;
        foreach (var line in DocumentationSource.ReadText(ApiPage).Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.Trim() == "## Errors";
            }
            else if (inSection && ErrorRow().Match(line) is { Success: true } row)
            {
                foreach (Match code in BacktickedWord().Matches(row.Groups["codes"].Value))
                {
                    documented.Add($"{row.Groups["status"].Value} {code.Groups["word"].Value}");
                }
            }
        }

        catalog.ShouldNotBeEmpty();
        documented.Except(catalog).ShouldBeEmpty($"{ApiPage} documents codes the API does not answer (src/Compozy.Api/Errors/ProblemCode.cs)");
        catalog.Except(documented).ShouldBeEmpty($"the API answers codes {ApiPage}'s error table does not list");
    }

    // The first column of the table under each "## Exit codes" heading.
    private static IEnumerable<int> ExitCodeRows(string page)
    {
        var inSection = false;
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.Trim() == "## Exit codes";
            }
            else if (inSection && ExitCodeRow().Match(line) is { Success: true } row)
            {
                yield return int.Parse(row.Groups["code"].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"^\| `(?<flag>--[a-z][a-z0-9-]*)")]
    private static partial Regex TableFlag();

    [GeneratedRegex(@"^\| (?<status>\d{3}) \| (?<codes>`[a-z_]+`(, `[a-z_]+`)*) \|")]
    private static partial Regex ErrorRow();

    [GeneratedRegex(@"`(?<word>[a-z_]+)`")]
    private static partial Regex BacktickedWord();

    [GeneratedRegex(@"^\|\s*(?<code>\d+)\s*\|")]
    private static partial Regex ExitCodeRow();

    // A whole variable name (not a prefix such as DB_SQLITE_ written to name a family).
    [GeneratedRegex(@"(?<![A-Za-z0-9_])(DB|SERVER)_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])")]
    private static partial Regex CompozyVariable();
}
