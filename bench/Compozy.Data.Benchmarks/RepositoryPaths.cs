namespace Compozy.Data.Benchmarks;

/// <summary>
/// Where results and the cached large database go: under <c>bench/</c> of the repository, found
/// from the working directory (what <c>dotnet run --project</c> keeps) or else from the binary.
/// </summary>
internal sealed record RepositoryPaths(string Root)
{
    public string Results => Path.Combine(Root, "bench", "results");

    public string Cache => Path.Combine(Root, "bench", ".cache");

    public static RepositoryPaths Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = start; !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
            {
                if (File.Exists(Path.Combine(directory, "Compozy.Data.sln")))
                {
                    return new RepositoryPaths(directory);
                }
            }
        }

        return new RepositoryPaths(Directory.GetCurrentDirectory());
    }
}
