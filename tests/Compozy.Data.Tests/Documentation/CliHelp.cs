using System.Globalization;
using Compozy.Cli;

namespace Compozy.Data.Tests.Documentation;

/// <summary>The <c>--help</c> output of a <c>compozy</c> command, run in process.</summary>
internal static class CliHelp
{
    public static async Task<string> ReadAsync(string command)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await CompozyCli.RunAsync([.. command.Split(' '), "--help"], new CliConsole(output, error, _ => null));
        exitCode.ShouldBe(0, error.ToString());
        return output.ToString();
    }
}
