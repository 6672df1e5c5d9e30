using Compozy.Data.Configuration;
using Compozy.Data.Knowledge;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Qdrant.Client;

namespace Compozy.Data.Qdrant;

/// <summary>
/// Runs the store's calls through Qdrant.Client: retries with exponential backoff and jitter
/// (Polly, on the store's <see cref="TimeProvider"/>) on the status codes
/// <see cref="QdrantFailures.IsTransient"/> names, honouring Qdrant's <c>retry-after</c>, and every
/// failure turned into a <see cref="VectorStoreException"/>. Grpc.Net.Client's own retry policy
/// is not used: its backoff runs on the system clock, so it could not be tested without waiting,
/// and it logs nothing an operator could follow.
/// </summary>
internal sealed class QdrantCaller
{
    private static readonly ResiliencePropertyKey<QdrantCall> CallKey = new("compozy.qdrant.call");

    private readonly VectorDatabaseOptions _entry;
    private readonly QdrantStoreSettings _settings;
    private readonly QdrantClient _client;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;

    public QdrantCaller(VectorDatabaseOptions entry, QdrantStoreSettings settings, QdrantClient client, TimeProvider timeProvider, ILogger logger)
    {
        _entry = entry;
        _settings = settings;
        _client = client;
        _logger = logger;
        _pipeline = BuildPipeline(timeProvider);
    }

    /// <summary>Where messages say the store is: <c>knowledge.vector_dbs[1] (qdrant at http://host:6334)</c>.</summary>
    public string Where => $"{_entry.DisplayPath} (qdrant at {_settings.DisplayUrl})";

    /// <summary>Runs <paramref name="send"/> until it succeeds, fails for good, or the retries run out.</summary>
    /// <exception cref="VectorStoreException">Any failure, classified.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<T> CallAsync<T>(QdrantCall call, Func<QdrantClient, CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(send);
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallKey, call);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (attemptContext, client) =>
                {
                    attempts++;
                    return await send(client, attemptContext.CancellationToken).ConfigureAwait(false);
                },
                context,
                _client).ConfigureAwait(false);
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{Where}: {call.Action} was cancelled", exception, cancellationToken);
        }
        catch (RpcException exception)
        {
            throw QdrantFailures.Classify(exception, Where, call.Action, attempts, _settings);
        }
        catch (QdrantException exception)
        {
            // Qdrant.Client's own check of an answer (a create answered false).
            throw Failure(VectorStoreErrorKind.Unknown, call.Action, $"failed: {exception.Message}");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc cref="CallAsync{T}"/>
    public Task CallAsync(QdrantCall call, Func<QdrantClient, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        return CallAsync(
            call,
            async (client, token) =>
            {
                await send(client, token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Makes the message of a failure found in an answer, for callers that check results.</summary>
    public VectorStoreException Failure(VectorStoreErrorKind kind, string action, string what) =>
        new(kind, Where, $"{action} {what}");

    private ResiliencePipeline BuildPipeline(TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (_settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _settings.RetryBaseDelay,
                MaxDelay = _settings.RetryMaxDelay,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is RpcException exception
                    && !arguments.Context.CancellationToken.IsCancellationRequested
                    && QdrantFailures.IsTransient(exception, arguments.Context.Properties.GetValue(CallKey, QdrantCall.Unknown).Idempotent)
                    && !(QdrantFailures.RetryAfter(exception) > _settings.MaxRetryAfter)),
                DelayGenerator = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is RpcException exception ? QdrantFailures.RetryAfter(exception) : null),
                OnRetry = arguments =>
                {
                    var reason = arguments.Outcome.Exception is RpcException exception
                        ? $"gRPC {exception.StatusCode}"
                        : "a failure";
                    QdrantLog.Retrying(
                        _logger,
                        _entry.DisplayPath,
                        _settings.DisplayUrl,
                        arguments.Context.Properties.GetValue(CallKey, QdrantCall.Unknown).Action,
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
}
