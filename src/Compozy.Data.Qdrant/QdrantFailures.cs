using System.Globalization;
using System.Security.Authentication;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Grpc.Core;

namespace Compozy.Data.Qdrant;

/// <summary>
/// What a failed gRPC call means: whether trying again can help, and the
/// <see cref="VectorStoreException"/> it becomes. The kind comes from the status code (as Qdrant
/// maps its errors to codes), never from the message text.
/// </summary>
internal static class QdrantFailures
{
    /// <summary>The trailer Qdrant sets, in whole seconds, on a call refused by its rate limiter.</summary>
    public const string RetryAfterTrailer = "retry-after";

    /// <summary>The trailer Qdrant sets on a <c>ResourceExhausted</c> that means a full disk, not a rate limit.</summary>
    public const string InsufficientStorageTrailer = "qdrant-insufficient-storage";

    /// <summary>
    /// Whether another attempt may succeed. A connection that failed, a server that is unavailable,
    /// rate-limited or aborted the call: always. A deadline that passed: only when repeating the
    /// call is harmless (<paramref name="idempotent"/>), as the first attempt may have been applied.
    /// A TLS failure and a full disk do not heal by waiting.
    /// </summary>
    public static bool IsTransient(RpcException exception, bool idempotent)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return !IsTlsFailure(exception) && exception.StatusCode switch
        {
            StatusCode.Unavailable => true,
            StatusCode.ResourceExhausted => !IsOutOfStorage(exception),
            StatusCode.Aborted => true,
            StatusCode.DeadlineExceeded => idempotent,
            _ => false,
        };
    }

    /// <summary>How long the server asked to wait before the next attempt, when it said.</summary>
    public static TimeSpan? RetryAfter(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Trailers.GetValue(RetryAfterTrailer) is { } text
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>The exception a failed call becomes, with what to check.</summary>
    /// <param name="exception">The call's last failure.</param>
    /// <param name="where">The entry and server: <c>knowledge.vector_dbs[0] (qdrant at http://host:6334)</c>.</param>
    /// <param name="action">What the call did: <c>creating collection "docs"</c>.</param>
    /// <param name="attempts">How many attempts were made.</param>
    /// <param name="settings">The entry's settings, for the API key to blank out and the limits to name.</param>
    public static VectorStoreException Classify(RpcException exception, string where, string action, int attempts, QdrantStoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(settings);
        var code = exception.StatusCode;
        var said = QdrantErrorText.Read(Detail(exception), settings.ApiKey) is { } text ? $": {text}" : string.Empty;
        var tried = Attempts(attempts);
        var (kind, message) = code switch
        {
            _ when IsTlsFailure(exception) =>
                (VectorStoreErrorKind.Unavailable, $"failed: no TLS connection could be made{said}; the server's certificate must be valid and trusted by this machine, or write the url with http:// if Qdrant does not serve TLS"),
            StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
                (VectorStoreErrorKind.Unauthorized, $"was refused (gRPC {code}){said}; check options.api_key (a read-only key cannot write)"),
            StatusCode.NotFound =>
                (VectorStoreErrorKind.NotFound, $"found nothing (gRPC {code}){said}"),
            StatusCode.ResourceExhausted when IsOutOfStorage(exception) =>
                (VectorStoreErrorKind.StorageFull, $"failed: the server is out of disk space (gRPC {code}){said}"),
            StatusCode.ResourceExhausted =>
                (VectorStoreErrorKind.Throttled, $"was throttled (gRPC {code}, {tried}{RetryAfterNote(exception, settings)}){said}; lower the load or raise options.max_retries"),
            StatusCode.OutOfRange =>
                (VectorStoreErrorKind.InvalidRequest, $"was refused as too large or out of range (gRPC {code}){said}; lower options.batch_size if the request was too large"),
            StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.FailedPrecondition =>
                (VectorStoreErrorKind.InvalidRequest, $"was rejected (gRPC {code}){said}"),
            StatusCode.DeadlineExceeded =>
                (VectorStoreErrorKind.Timeout, $"got no answer within {DurationFormat.Format(settings.Timeout)} (options.timeout, {tried}, gRPC {code}){said}; the server is slow or unreachable"),
            StatusCode.Unavailable or StatusCode.Internal when exception.Status.DebugException is not null =>
                (VectorStoreErrorKind.Unavailable, $"failed: the server could not be reached ({tried}){said}; check that Qdrant runs and serves gRPC at {settings.Endpoint.Display} (url, options.grpc_port)"),
            StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unknown when IsNotGrpc(exception) =>
                (VectorStoreErrorKind.Unknown, $"got an answer that is not Qdrant's gRPC (gRPC {code}){said}; is {settings.Endpoint.Display} Qdrant's gRPC port ({QdrantEndpoint.GrpcPort} unless changed)? Check url and options.grpc_port"),
            StatusCode.Unavailable or StatusCode.Aborted or StatusCode.Internal or StatusCode.DataLoss or StatusCode.Cancelled =>
                (VectorStoreErrorKind.Unavailable, $"failed on the server (gRPC {code}, {tried}){said}"),
            _ =>
                (VectorStoreErrorKind.Unknown, $"got an unexpected answer (gRPC {code}){said}"),
        };
        return new VectorStoreException(kind, where, $"{action} {message}", exception);
    }

    // The status detail, and for a failure Grpc.Net.Client saw itself (a refused connection),
    // what it saw, which its detail ("Error connecting to subchannel.") leaves out.
    private static string Detail(RpcException exception) =>
        exception.Status.DebugException is { } seen && !exception.Status.Detail.Contains(seen.Message, StringComparison.Ordinal)
            ? $"{exception.Status.Detail} {seen.GetType().Name}: {seen.Message}"
            : exception.Status.Detail;

    private static bool IsOutOfStorage(RpcException exception) =>
        exception.Trailers.Get(InsufficientStorageTrailer) is not null;

    // Grpc.Net.Client reports a failed handshake (as Internal) with the HttpRequestException that
    // carries it; a server never sends this.
    private static bool IsTlsFailure(RpcException exception)
    {
        for (var inner = exception.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } or AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    // What Grpc.Net.Client says when the answer is not gRPC at all (a REST port, a web page).
    private static bool IsNotGrpc(RpcException exception) =>
        exception.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal);

    private static string RetryAfterNote(RpcException exception, QdrantStoreSettings settings) =>
        RetryAfter(exception) is { } wait && wait > settings.MaxRetryAfter
            ? $"; it asked to wait {DurationFormat.Format(wait)}, more than the {DurationFormat.Format(settings.MaxRetryAfter)} the store waits"
            : string.Empty;

    private static string Attempts(int attempts) =>
        attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{attempts} attempts");
}
