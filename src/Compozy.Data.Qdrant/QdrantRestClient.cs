using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Compozy.Data.Qdrant.Rest;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Sends the store's REST calls: the <c>api-key</c> header, a timeout per attempt, retries with
/// exponential backoff and jitter (Polly) on 429, 502, 503, 504 and connection failures, honouring
/// <c>Retry-After</c>, and every failure turned into a <see cref="VectorStoreException"/> whose
/// kind comes from the status code, never from the message text.
/// </summary>
internal sealed class QdrantRestClient
{
    /// <summary>The header Qdrant reads the API key from.</summary>
    public const string ApiKeyHeader = "api-key";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private static readonly ResiliencePropertyKey<string> ActionKey = new("compozy.qdrant.action");

    private readonly VectorDatabaseOptions _entry;
    private readonly QdrantStoreSettings _settings;
    private readonly Func<HttpClient> _createClient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public QdrantRestClient(VectorDatabaseOptions entry, QdrantStoreSettings settings, Func<HttpClient> createClient, TimeProvider timeProvider, ILogger logger)
    {
        _entry = entry;
        _settings = settings;
        _createClient = createClient;
        _timeProvider = timeProvider;
        _logger = logger;
        _pipeline = BuildPipeline();
    }

    /// <summary>Where messages say the store is: <c>knowledge.vector_dbs[1] (qdrant at http://host:6333/)</c>.</summary>
    public string Where => $"{_entry.DisplayPath} (qdrant at {_settings.DisplayUrl})";

    /// <summary>Sends <paramref name="request"/> and returns the <c>result</c> of a 2xx answer.</summary>
    /// <exception cref="VectorStoreException">Any failure, classified.</exception>
    public async Task<T> SendAsync<T>(QdrantRequest request, JsonTypeInfo<QdrantEnvelope<T>> resultType, CancellationToken cancellationToken)
    {
        var (status, body) = await ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        QdrantEnvelope<T>? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, resultType);
        }
        catch (JsonException exception)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Unknown,
                $"{Where}: {request.Action} got HTTP {(int)status} with a body that is not Qdrant's JSON ({exception.Message}); is url a Qdrant server?",
                exception);
        }

        if (envelope is null || envelope.Result is null)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Unknown,
                $"{Where}: {request.Action} got HTTP {(int)status} without a result; is url a Qdrant server?");
        }

        return envelope.Result;
    }

    /// <summary>Makes the message of a failure that happened after the call, for callers that check results.</summary>
    public VectorStoreException Failure(VectorStoreErrorKind kind, string action, string what) =>
        new(kind, $"{Where}: {action} {what}");

    private async Task<(HttpStatusCode Status, byte[] Body)> ExchangeAsync(QdrantRequest request, CancellationToken cancellationToken)
    {
        var attempts = 0;
        HttpResponseMessage response;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ActionKey, request.Action);
        try
        {
            response = await _pipeline.ExecuteAsync(
                async (attemptContext, _) =>
                {
                    attempts++;
                    return await SendOnceAsync(request, attemptContext.CancellationToken).ConfigureAwait(false);
                },
                context,
                0).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Unavailable,
                $"{Where}: {request.Action} failed: the server could not be reached ({Attempts(attempts)}): {QdrantErrorText.Scrub(exception.Message, _settings.ApiKey)}; check that Qdrant runs and that url is right",
                exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (response.StatusCode, body);
            }

            throw Classify(request, response, body, attempts);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(QdrantRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(request.Path, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = JsonMediaType;
        }

        if (!string.IsNullOrEmpty(_settings.ApiKey))
        {
            message.Headers.TryAddWithoutValidation(ApiKeyHeader, _settings.ApiKey);
        }

        // HttpClient.Timeout is off (infinite) for these clients: the limit is per attempt, here,
        // so that a retry gets a full timeout of its own and the caller's token still cancels at once.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_settings.Timeout);
        try
        {
            // ResponseContentRead (the default) buffers the body inside SendAsync, so the
            // attempt's timeout covers reading it too.
            return await _createClient().SendAsync(message, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VectorStoreException(
                VectorStoreErrorKind.Timeout,
                $"{Where}: {request.Action} got no answer within {DurationFormat.Format(_settings.Timeout)} (options.timeout); the server is slow or unreachable",
                exception);
        }
    }

    private VectorStoreException Classify(QdrantRequest request, HttpResponseMessage response, byte[] body, int attempts)
    {
        var code = (int)response.StatusCode;
        var said = QdrantErrorText.Read(body, _settings.ApiKey) is { } text ? $": {text}" : string.Empty;
        var http = string.Create(CultureInfo.InvariantCulture, $"HTTP {code} {response.ReasonPhrase}").TrimEnd();
        return code switch
        {
            401 or 403 => new VectorStoreException(
                VectorStoreErrorKind.Unauthorized,
                $"{Where}: {request.Action} was refused ({http}){said}; check options.api_key (a read-only key cannot write)"),
            404 => new VectorStoreException(
                VectorStoreErrorKind.NotFound,
                $"{Where}: {request.Action} found nothing ({http}){said}"),
            429 => new VectorStoreException(
                VectorStoreErrorKind.Throttled,
                $"{Where}: {request.Action} was throttled ({http}, {Attempts(attempts)}{RetryAfterNote(response)}){said}; lower the load or raise options.max_retries"),
            413 => new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                $"{Where}: {request.Action} was too large for the server ({http}){said}; lower options.batch_size"),
            >= 400 and < 500 => new VectorStoreException(
                VectorStoreErrorKind.InvalidRequest,
                $"{Where}: {request.Action} was rejected ({http}){said}"),
            >= 500 => new VectorStoreException(
                VectorStoreErrorKind.Unavailable,
                $"{Where}: {request.Action} failed on the server ({http}, {Attempts(attempts)}){said}"),
            _ => new VectorStoreException(
                VectorStoreErrorKind.Unknown,
                $"{Where}: {request.Action} got an unexpected answer ({http}){said}"),
        };
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider };
        if (_settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _settings.RetryBaseDelay,
                MaxDelay = _settings.RetryMaxDelay,
                ShouldHandle = arguments => ValueTask.FromResult(ShouldRetry(arguments.Outcome)),
                DelayGenerator = arguments => ValueTask.FromResult(arguments.Outcome.Result is { } response ? RetryAfter(response) : null),
                OnRetry = arguments =>
                {
                    var reason = arguments.Outcome.Result is { } response
                        ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}")
                        : QdrantErrorText.Scrub(arguments.Outcome.Exception?.Message ?? "a failure", _settings.ApiKey);
                    QdrantLog.Retrying(
                        _logger,
                        _entry.DisplayPath,
                        _settings.DisplayUrl,
                        arguments.Context.Properties.GetValue(ActionKey, "a request"),
                        reason,
                        arguments.AttemptNumber + 1,
                        _settings.MaxRetries,
                        (long)arguments.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException exception } => IsConnectionFailure(exception),
        { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            && !(RetryAfter(response) > _settings.MaxRetryAfter),
        _ => false,
    };

    // A broken TLS setup or a protocol mismatch does not heal by waiting; a refused connection,
    // a failed name lookup or a connection dropped mid-answer may.
    private static bool IsConnectionFailure(HttpRequestException exception) => exception.HttpRequestError
        is HttpRequestError.Unknown or HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private string RetryAfterNote(HttpResponseMessage response) =>
        RetryAfter(response) is { } wait && wait > _settings.MaxRetryAfter
            ? $"; it asked to wait {DurationFormat.Format(wait)}, more than the {DurationFormat.Format(_settings.MaxRetryAfter)} the store waits"
            : string.Empty;

    private static string Attempts(int attempts) =>
        attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{attempts} attempts");
}
