using System.Text.Json.Nodes;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>How <see cref="QdrantContractServer"/> answers one request of an operation.</summary>
/// <param name="Status">The HTTP status; the body is built from the spec's schema for it.</param>
/// <param name="Shape">Sets the values a scenario needs on the built body (the envelope).</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header in seconds, when set.</param>
/// <param name="Failure">Thrown instead of answering (a connection failure).</param>
/// <param name="Hang">Never answers; the request ends when the client cancels it (a timeout).</param>
/// <param name="RawBody">Sent as is instead of a body built from the spec (a proxy's page).</param>
public sealed record QdrantCannedAnswer(
    int Status = 200,
    Action<JsonNode>? Shape = null,
    int? RetryAfter = null,
    Exception? Failure = null,
    bool Hang = false,
    string? RawBody = null)
{
    public static QdrantCannedAnswer Error(int status, string message, int? retryAfter = null) =>
        new(status, body => body["status"] = new JsonObject { ["error"] = message }, retryAfter);
}
