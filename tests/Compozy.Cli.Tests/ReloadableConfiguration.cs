using Compozy.Cli.Configuration;

namespace Compozy.Cli.Tests;

/// <summary>
/// A <c>compozy.yaml</c> in a temporary directory, on a SQLite file beside it, loaded as
/// <c>compozy start</c> loads it, and edited as an editor saves: a new file renamed over the old one.
/// </summary>
internal sealed class ReloadableConfiguration : IDisposable
{
    private readonly Dictionary<string, string?> _environment;

    public ReloadableConfiguration(string yaml, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"compozy-reload-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "compozy.yaml");
        _environment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["SERVER_PORT"] = "0" };
        Write(yaml);
    }

    public string Directory { get; }

    public string FilePath { get; }

    /// <summary>The SQLite database file the configurations of these tests name.</summary>
    public string DatabasePath => Path.Combine(Directory, "compozy.db");

    public ConfigurationInputs Inputs => new(FilePath, [], name => _environment.GetValueOrDefault(name), ReadServer: true);

    public LoadedConfiguration Load()
    {
        var (reader, loaded) = ConfigurationLoader.Read(Inputs);
        loaded.ShouldNotBeNull(string.Join('\n', reader.Problems));
        return loaded;
    }

    /// <summary>Replaces the file by renaming a new one over it, as most editors save.</summary>
    public void Write(string yaml)
    {
        var next = FilePath + ".next";
        File.WriteAllText(next, yaml.Replace("{db}", DatabasePath, StringComparison.Ordinal));
        File.Move(next, FilePath, overwrite: true);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
