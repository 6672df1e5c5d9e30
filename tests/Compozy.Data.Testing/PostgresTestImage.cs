namespace Compozy.Data.Testing;

/// <summary>
/// The PostgreSQL 15 + pgvector image the test containers run, built from the recipe in
/// <c>tests/containers/postgres-pgvector</c> (no registry image can be pulled where the suite runs).
/// </summary>
public static class PostgresTestImage
{
    /// <summary>
    /// The environment variable naming the image to run; <c>scripts/test.sh</c> sets it after
    /// building the image. Without it the recipe's build script names (and builds) it.
    /// </summary>
    public const string EnvironmentVariable = "COMPOZY_TEST_POSTGRES_IMAGE";

    private const string BuildScript = "tests/containers/postgres-pgvector/build.sh";

    /// <summary>Building from nothing takes about three minutes; this only catches a build that hangs.</summary>
    private static readonly TimeSpan BuildBound = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan NameBound = TimeSpan.FromMinutes(1);

    private static readonly Lazy<Task<string>> Built = new(() => BuildAsync());

    /// <summary>The image's name, without building it.</summary>
    public static async Task<string> NameAsync() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name
            ? name
            : await RepositoryScript.RunAsync(BuildScript, NameBound, "--name");

    /// <summary>
    /// The image's name once it exists: the one <see cref="EnvironmentVariable"/> names as it is,
    /// or the recipe's image, built the first time it is asked for when it is missing or out of date.
    /// </summary>
    public static Task<string> EnsureBuiltAsync() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? Task.FromResult(name) : Built.Value;

    private static async Task<string> BuildAsync()
    {
        try
        {
            return await RepositoryScript.RunAsync(BuildScript, BuildBound);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL test image could not be built with {BuildScript} (it needs a running Docker engine and root; " +
                $"scripts/test.sh prepares both). {exception.Message}",
                exception);
        }
    }
}
