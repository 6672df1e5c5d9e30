using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>
/// The Qdrant stand-in behind <see cref="QdrantFakeServer"/>: every method of the contract is
/// served; each call is recorded with the problems <see cref="QdrantContractRules"/> finds in it,
/// refused with <c>InvalidArgument</c> when there are any (as Qdrant would), and otherwise
/// answered as Qdrant documents from an in-memory state of collections and points. A test can
/// queue other answers per method (<see cref="Enqueue"/>): failures with Qdrant's status codes and
/// trailers, a call that never answers, a response of its own.
/// </summary>
public sealed class QdrantFakeService
{
    /// <summary>The methods the store is expected to call; any other is recorded as a violation.</summary>
    public static readonly IReadOnlySet<string> StoreMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "Collections/CollectionExists",
        "Collections/Get",
        "Collections/Create",
        "Points/CreateFieldIndex",
        "Points/Upsert",
        "Points/Delete",
        "Points/Query",
    };

    private readonly ConcurrentQueue<QdrantRecordedCall> _calls = new();
    private readonly Dictionary<string, QdrantFakeCollectionState> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<QdrantFakeAnswer>> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QdrantFakeAnswer> _defaults = new(StringComparer.Ordinal);
    private readonly List<(string Method, TaskCompletionSource Arrived)> _waiters = [];
    private readonly Lock _gate = new();
    private ulong _operationId;

    public IReadOnlyList<QdrantRecordedCall> Calls => [.. _calls];

    public IReadOnlyList<QdrantRecordedCall> CallsOf(string method) => [.. Calls.Where(call => call.Method == method)];

    /// <summary>Every violation of every call so far, one per line; empty when all conform.</summary>
    public string AllViolations() =>
        string.Join(Environment.NewLine, Calls.SelectMany(call => call.Violations.Select(violation => $"{call.Method}: {violation}")));

    public void AddCollection(string name, QdrantFakeCollectionState collection)
    {
        lock (_gate)
        {
            _collections[name] = collection;
        }
    }

    public QdrantFakeCollectionState? Collection(string name)
    {
        lock (_gate)
        {
            return _collections.GetValueOrDefault(name);
        }
    }

    /// <summary>Completes once a call of <paramref name="method"/> has arrived (at once if one has).</summary>
    public Task WaitForCallAsync(string method)
    {
        lock (_gate)
        {
            if (_calls.Any(call => call.Method == method))
            {
                return Task.CompletedTask;
            }

            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((method, arrived));
            return arrived.Task;
        }
    }

    /// <summary>Queues answers for the next calls of <paramref name="method"/> (<c>Points/Query</c>), in order.</summary>
    public void Enqueue(string method, params QdrantFakeAnswer[] answers)
    {
        lock (_gate)
        {
            if (!_queued.TryGetValue(method, out var queue))
            {
                _queued[method] = queue = new Queue<QdrantFakeAnswer>();
            }

            foreach (var answer in answers)
            {
                queue.Enqueue(answer);
            }
        }
    }

    /// <summary>The answer to every later call of <paramref name="method"/> that has none queued.</summary>
    public void SetDefault(string method, QdrantFakeAnswer answer)
    {
        lock (_gate)
        {
            _defaults[method] = answer;
        }
    }

    /// <summary>Serves one call of <paramref name="method"/>; wired by <see cref="QdrantContractMethods"/>.</summary>
    public async Task<TResponse> HandleAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, ServerCallContext context)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var name = QdrantGrpcContract.NameOf(method);
        List<string> violations = StoreMethods.Contains(name) ? [] : [$"{name} is not a call the Qdrant store makes"];
        QdrantFakeAnswer? answer;
        lock (_gate)
        {
            violations.AddRange(QdrantContractRules.Check(request, collection => _collections.GetValueOrDefault(collection)?.Size));
            answer = _queued.TryGetValue(name, out var queue) && queue.TryDequeue(out var next) ? next : _defaults.GetValueOrDefault(name);
        }

        lock (_gate)
        {
            _calls.Enqueue(new QdrantRecordedCall(name, request, context.RequestHeaders, context.Deadline, DateTime.UtcNow, violations));
            foreach (var waiter in _waiters.Where(waiter => waiter.Method == name).ToList())
            {
                waiter.Arrived.SetResult();
                _waiters.Remove(waiter);
            }
        }

        if (answer is { Hang: true })
        {
            // A server that never answers: the call ends only when the client gives up or cancels.
            await new TaskCompletionSource().Task.WaitAsync(context.CancellationToken);
        }

        if (answer is { Response: { } response })
        {
            return (TResponse)response;
        }

        if (answer is { Code: { } code } && !answer.Apply)
        {
            throw Failure(code, answer);
        }

        if (!StoreMethods.Contains(name))
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"the fake Qdrant does not serve {name}: the store is not expected to call it"));
        }

        if (violations.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Validation error in body: {string.Join("; ", violations)}"));
        }

        var result = (TResponse)Behave(request);
        return answer is { Code: { } applied } ? throw Failure(applied, answer) : result;
    }

    private static RpcException Failure(StatusCode code, QdrantFakeAnswer answer)
    {
        var trailers = new Metadata();
        foreach (var (key, value) in answer.Trailers ?? new Dictionary<string, string>())
        {
            trailers.Add(key, value);
        }

        return new RpcException(new Status(code, answer.Detail), trailers);
    }

    /// <summary>What Qdrant answers to a valid request, from the state.</summary>
    private IMessage Behave(IMessage request)
    {
        lock (_gate)
        {
            switch (request)
            {
                case CollectionExistsRequest exists:
                    return new CollectionExistsResponse { Result = new CollectionExists { Exists = _collections.ContainsKey(exists.CollectionName) } };
                case GetCollectionInfoRequest get:
                    var info = Existing(get.CollectionName);
                    return new GetCollectionInfoResponse
                    {
                        Result = new CollectionInfo
                        {
                            Status = CollectionStatus.Green,
                            PointsCount = (ulong)info.Count,
                            Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = info.Vectors } },
                        },
                    };
                case CreateCollection create:
                    if (_collections.ContainsKey(create.CollectionName))
                    {
                        throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Collection `{create.CollectionName}` already exists!"));
                    }

                    _collections[create.CollectionName] = new QdrantFakeCollectionState(create.VectorsConfig);
                    return new CollectionOperationResponse { Result = true };
                case CreateFieldIndexCollection index:
                    Existing(index.CollectionName).Indexes[index.FieldName] = (PayloadSchemaType)index.FieldType;
                    return Applied(index.Wait);
                case UpsertPoints upsert:
                    Existing(upsert.CollectionName).Upsert(upsert.Points);
                    return Applied(upsert.Wait);
                case DeletePoints delete:
                    Existing(delete.CollectionName).Delete(delete.Points);
                    return Applied(delete.Wait);
                case QueryPoints query:
                    var response = new QueryResponse();
                    response.Result.AddRange(Existing(query.CollectionName).Query(query));
                    return response;
                default:
                    throw new InvalidOperationException($"{request.Descriptor.Name} is a request of a method the store calls, but the fake has no behaviour for it");
            }
        }
    }

    private QdrantFakeCollectionState Existing(string name) =>
        _collections.GetValueOrDefault(name)
        ?? throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));

    private PointsOperationResponse Applied(bool wait) => new()
    {
        Result = new UpdateResult { OperationId = ++_operationId, Status = wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged },
    };
}
