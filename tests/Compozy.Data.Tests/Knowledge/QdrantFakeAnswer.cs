using Google.Protobuf;
using Grpc.Core;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>How <see cref="QdrantFakeService"/> answers one call instead of as Qdrant would.</summary>
/// <param name="Code">The status to fail with, or <see langword="null"/> to answer.</param>
/// <param name="Detail">The status detail (Qdrant's error text).</param>
/// <param name="Trailers">Trailers sent with the failure (<c>retry-after</c>, ...).</param>
/// <param name="Hang">Never answers; the call ends when the client gives up (its deadline) or cancels.</param>
/// <param name="Apply">Does what Qdrant would do first, then fails: a write applied whose answer was lost.</param>
/// <param name="Response">Sent instead of what the fake's state gives.</param>
public sealed record QdrantFakeAnswer(
    StatusCode? Code = null,
    string Detail = "",
    IReadOnlyDictionary<string, string>? Trailers = null,
    bool Hang = false,
    bool Apply = false,
    IMessage? Response = null)
{
    public static QdrantFakeAnswer Hangs { get; } = new(Hang: true);

    /// <summary>A failure as Qdrant sends it: the code, its message, and <c>retry-after</c> in seconds when given.</summary>
    public static QdrantFakeAnswer Fail(StatusCode code, string detail, int? retryAfter = null) =>
        new(code, detail, retryAfter is { } seconds
            ? new Dictionary<string, string> { ["retry-after"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null);

    public static QdrantFakeAnswer With(IMessage response) => new(Response: response);
}
