using System.Diagnostics;
using System.Globalization;
using System.Text;
using Compozy.Data.Testing;

namespace Compozy.Cli.Tests;

/// <summary>
/// docs/api.md as a new user reads it: every <c>$</c> command of the page runs, in order, in one
/// bash session against a real <c>compozy start</c>, and prints what the page says it prints.
/// </summary>
public sealed class ApiDocumentationTests
{
    private const string Page = "docs/api.md";

    // The page's walk-through is long; a count this low means the parser lost it.
    private const int MinimumCommands = 40;

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Every_command_of_the_api_page_prints_what_the_page_shows()
    {
        var examples = ConsoleExample.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), Page)));
        examples.Count.ShouldBeGreaterThanOrEqualTo(MinimumCommands, $"{Page}: too few $ commands found");

        // The API is the same on both databases; SQLite needs no server, so the page is run there.
        await using var api = await ApiSession.StartAsync(DatabaseKind.Sqlite, "api_docs");
        var outputs = await RunInOneSessionAsync(
            examples,
            api.Cli.WorkingDirectory,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["COMPOZY_URL"] = api.Host.BaseAddress.ToString().TrimEnd('/'),
                ["COMPOZY_API_KEY"] = api.AdminKey,
            });

        var mismatches = new StringBuilder();
        for (var index = 0; index < examples.Count; index++)
        {
            if (!examples[index].Matches(outputs[index]))
            {
                mismatches.Append(CultureInfo.InvariantCulture, $"\n{Page}:{examples[index].Line}: $ {examples[index].Command}\n--- the page shows ---\n{examples[index].ExpectedOutput}\n--- it printed ---\n{outputs[index].TrimEnd()}\n");
            }
        }

        mismatches.ToString().ShouldBeEmpty($"outputs differ from {Page} (server log below)\n--- compozy start ---\n{api.Host.Stderr}");
    }

    [Fact]
    public void An_expected_output_matches_only_its_own_text_with_wildcards_inside_one_line()
    {
        var example = ConsoleExample.Parse("""
            ```console
            $ curl -s "$COMPOZY_URL/x" \
                -d '{"a":
            >   1}'
            {"id":"…","status":201}
            done
            ```
            """).ShouldHaveSingleItem();

        example.Command.ShouldBe("curl -s \"$COMPOZY_URL/x\" \\\n    -d '{\"a\":\n  1}'");
        example.Matches("{\"id\":\"0123\",\"status\":201}\ndone\n").ShouldBeTrue();
        example.Matches("{\"id\":\"\",\"status\":201}\ndone").ShouldBeTrue();
        example.Matches("{\"id\":\"0123\",\"status\":200}\ndone").ShouldBeFalse();
        example.Matches("{\"id\":\"0\",\"x\":1}\n{\"id\":\"1\",\"status\":201}\ndone").ShouldBeFalse();
        example.Matches("{\"id\":\"0123\",\"status\":201}").ShouldBeFalse();
        example.Matches("{\"id\":\"0123\",\"status\":201}\ndone\nmore").ShouldBeFalse();
    }

    /// <summary>
    /// Runs the commands as one bash script, so that variables and files carry from one to the
    /// next, each command's standard output and error captured in a file of its own.
    /// </summary>
    private static async Task<string[]> RunInOneSessionAsync(IReadOnlyList<ConsoleExample> examples, string workingDirectory, Dictionary<string, string> environment)
    {
        var outputDirectory = Directory.CreateTempSubdirectory("compozy-api-docs-");
        try
        {
            var script = new StringBuilder();
            for (var index = 0; index < examples.Count; index++)
            {
                script.Append(CultureInfo.InvariantCulture, $"{{\n{examples[index].Command}\n}} > '{outputDirectory.FullName}/{index}' 2>&1\n");
            }

            var scriptPath = Path.Combine(outputDirectory.FullName, "walk-through.sh");
            await File.WriteAllTextAsync(scriptPath, script.ToString());

            var info = new ProcessStartInfo("bash")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--noprofile");
            info.ArgumentList.Add("--norc");
            info.ArgumentList.Add(scriptPath);
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(ScriptTimeout))
            {
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"the commands of {Page} did not finish within {ScriptTimeout}");
                }
            }

            (await stderr).ShouldBeEmpty("bash itself reported errors");
            (await stdout).ShouldBeEmpty("output outside the commands");
            return [.. examples.Select((_, index) => File.ReadAllText(Path.Combine(outputDirectory.FullName, index.ToString(CultureInfo.InvariantCulture))))];
        }
        finally
        {
            outputDirectory.Delete(recursive: true);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Compozy.Data.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains Compozy.Data.sln");
    }
}
