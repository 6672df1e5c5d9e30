using System.Diagnostics;
using System.Globalization;

namespace Compozy.Cli.Tests;

/// <summary>
/// The production deployment page: its after-deployment checks run as written against a host
/// started the way the unit starts it, and its systemd unit passes <c>systemd-analyze verify</c>.
/// </summary>
public sealed class ProductionDocumentationTests
{
    private const string Page = "docs/deployment/production.md";
    private const string DocumentedExecutable = "/usr/local/bin/compozy";

    [Fact]
    [RunsDocumentationPage(Page)]
    public async Task The_checks_after_a_deployment_print_what_the_page_shows()
    {
        var examples = DocumentationSession.Commands(Page);
        examples.Count.ShouldBeGreaterThanOrEqualTo(7, $"{Page}: too few $ commands found");

        var directory = Directory.CreateTempSubdirectory("compozy-production-docs-");
        try
        {
            var environment = DocumentationSession.UserEnvironment();
            environment["SERVER_PORT"] = DocumentationSession.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);

            var outputs = await DocumentationSession.RunAsync(Page, examples, directory.FullName, environment);

            DocumentationSession.Mismatches(Page, examples, outputs).ShouldBeEmpty($"outputs differ from {Page}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_systemd_unit_passes_systemd_analyze_verify_without_a_remark()
    {
        var unit = IniBlocks(File.ReadAllLines(Path.Combine(DocumentationSession.RepositoryRoot, Page))).ShouldHaveSingleItem($"{Page} should show one systemd unit");
        unit.ShouldContain($"ExecStart={DocumentedExecutable} start");

        // systemd-analyze checks that ExecStart's program exists and is executable: point it at the
        // compozy the tests run, which is what the page installs as /usr/local/bin/compozy.
        var directory = Directory.CreateTempSubdirectory("compozy-unit-");
        try
        {
            var path = Path.Combine(directory.FullName, "compozy.service");
            await File.WriteAllTextAsync(path, unit.Replace(DocumentedExecutable, CompozyProcess.Executable, StringComparison.Ordinal));

            var info = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("verify");
            info.ArgumentList.Add(path);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start systemd-analyze");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            // A bad value or an unknown key is only a remark on stderr with exit code 0: both must be clean.
            ((await output) + (await errors)).ShouldBeEmpty("systemd-analyze verify had remarks on the unit");
            process.ExitCode.ShouldBe(0);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<string> IniBlocks(string[] lines)
    {
        var blocks = new List<string>();
        List<string>? block = null;
        foreach (var line in lines)
        {
            if (block is null && line == "```ini")
            {
                block = [];
            }
            else if (block is not null && line == "```")
            {
                blocks.Add(string.Join('\n', block) + "\n");
                block = null;
            }
            else
            {
                block?.Add(line);
            }
        }

        return blocks;
    }
}
