using Google.Protobuf;
using Grpc.Core;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>One call <see cref="QdrantFakeService"/> received.</summary>
/// <param name="Method">The method, <c>Points/Query</c>.</param>
/// <param name="Request">The request as parsed by the contract's parser.</param>
/// <param name="Headers">The call's metadata.</param>
/// <param name="Deadline">The deadline the client sent (<see cref="DateTime.MaxValue"/> when none).</param>
/// <param name="ReceivedAt">When the call arrived (UTC).</param>
/// <param name="Violations">Where the request breaks Qdrant's contract (<see cref="QdrantContractRules"/>) or is not a call the store should make.</param>
public sealed record QdrantRecordedCall(
    string Method,
    IMessage Request,
    Metadata Headers,
    DateTime Deadline,
    DateTime ReceivedAt,
    IReadOnlyList<string> Violations)
{
    public T RequestAs<T>()
        where T : class, IMessage => Request as T ?? throw new InvalidOperationException($"{Method} carried a {Request.Descriptor.Name}, not a {typeof(T).Name}");

    public string? Header(string key) => Headers.GetValue(key);
}
