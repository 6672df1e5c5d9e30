namespace Compozy.Docs.Tests;

/// <summary>Where the repository, the built site and the test artefacts are.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    public static string Root => RootDirectory.Value;

    /// <summary>What <c>scripts/docs.sh build</c> writes.</summary>
    public static string Site => Path.Combine(Root, "artifacts", "site");

    /// <summary>Screenshots kept as test artefacts.</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    public static string Docs => Path.Combine(Root, "docs");

    private static string FindRoot()
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
