using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Qdrant;

/// <summary>The store's log lines. None carries metadata, a payload or the API key.</summary>
internal static partial class QdrantLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "{Entry} (qdrant at {Url}): {Action} got {Reason}; retry {Retry} of {MaxRetries} in {DelayMilliseconds} ms")]
    public static partial void Retrying(ILogger logger, string entry, string url, string action, string reason, int retry, int maxRetries, long delayMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "{Entry} (qdrant at {Url}): writing {Chunks} chunks of knowledge base {KnowledgeBase} failed; deleting the {Written} points that may have been written")]
    public static partial void RollingBack(ILogger logger, string entry, string url, int chunks, string knowledgeBase, int written);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "{Entry} (qdrant at {Url}): deleting the {Written} points written before a failed upsert of knowledge base {KnowledgeBase} failed too; they stay searchable until written again or deleted: {Reason}")]
    public static partial void RollbackFailed(ILogger logger, string entry, string url, int written, string knowledgeBase, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "{Entry} (qdrant at {Url}): created collection {Collection} (size {Size}, distance {Distance})")]
    public static partial void CollectionCreated(ILogger logger, string entry, string url, string collection, int size, Distance distance);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information,
        Message = "{Entry}: url {Url} is Qdrant's REST port; the qdrant provider talks gRPC, so it connects to {GrpcAddress}, the gRPC port of the same host (set options.grpc_port to use another)")]
    public static partial void GrpcPortDerived(ILogger logger, string entry, string url, string grpcAddress);
}
