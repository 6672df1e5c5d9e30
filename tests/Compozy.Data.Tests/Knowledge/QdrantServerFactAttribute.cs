namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// A test against a real Qdrant server: it runs when <c>QDRANT_URL</c> names one and is reported
/// as skipped, with the reason, otherwise. No Qdrant server can be installed on the project's
/// machines, so the contract tests are what runs in CI; this is the check against the real thing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QdrantServerFactAttribute : FactAttribute
{
    /// <summary>
    /// The variable that names the server, such as <c>http://localhost:6333</c> (its REST port,
    /// from which the store derives the gRPC port 6334) or <c>http://localhost:6334</c>.
    /// </summary>
    public const string UrlVariable = "QDRANT_URL";

    /// <summary>The variable holding the server's API key, when it needs one.</summary>
    public const string ApiKeyVariable = "QDRANT_API_KEY";

    public QdrantServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(UrlVariable)))
        {
            Skip = $"not run: {UrlVariable} is not set (set it to a Qdrant server, e.g. http://localhost:6333, and {ApiKeyVariable} if it needs a key)";
        }
    }
}
