namespace Compozy.Cli.Tests;

/// <summary>An empty directory to run <c>compozy</c> in, with the default configuration (no compozy.yaml, database under <c>.compozy/</c>).</summary>
internal sealed class TemporaryWorkingDirectory : IDisposable
{
    public TemporaryWorkingDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"compozy-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>What the directory holds, relative to it, so a test can say nothing was created.</summary>
    public IReadOnlyList<string> Entries =>
        [.. Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories).Select(entry => System.IO.Path.GetRelativePath(Path, entry)).Order(StringComparer.Ordinal)];

    public Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        CompozyProcess.RunAsync(Path, environment, args);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
