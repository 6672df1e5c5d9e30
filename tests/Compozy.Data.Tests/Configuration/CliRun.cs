using System.Globalization;
using Compozy.Cli;

namespace Compozy.Data.Tests.Configuration;

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    // A configuration wrongly accepted would make `start` serve until killed; fail instead of hanging.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static async Task<CliRun> ExecuteAsync(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var console = new CliConsole(output, error, name => environment.GetValueOrDefault(name));
        var exitCode = await CompozyCli.RunAsync([.. arguments], console).WaitAsync(HangGuard);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public IReadOnlyList<string> ProblemLines =>
        Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.StartsWith("  ", StringComparison.Ordinal))
            .ToList();

    public string ProblemLineFor(string key)
    {
        var lines = ProblemLines.Where(line => line.StartsWith($"  {key}: ", StringComparison.Ordinal)).ToList();
        lines.Count.ShouldBe(1, $"expected one problem line for {key}; standard error was:{Environment.NewLine}{Error}");
        return lines[0];
    }
}
