namespace Compozy.Cli;

/// <summary>Where a command writes and what environment it reads; swapped in tests.</summary>
/// <param name="Out">Command output (tables, JSON, keys). Logs never go here.</param>
/// <param name="Error">Errors and logs.</param>
/// <param name="GetEnvironmentVariable">Environment lookup.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable)
{
    /// <summary>The process's console and environment.</summary>
    public static CliConsole System { get; } = new(Console.Out, Console.Error, Environment.GetEnvironmentVariable);
}
