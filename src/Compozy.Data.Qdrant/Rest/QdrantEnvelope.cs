namespace Compozy.Data.Qdrant.Rest;

/// <summary>
/// Every successful Qdrant answer: <c>{"result": ..., "status": "ok", "time": ...}</c>. Only
/// <c>result</c> is read; <c>status</c> is a string on success but an object on errors, which are
/// read apart (<see cref="QdrantErrorText"/>).
/// </summary>
internal sealed class QdrantEnvelope<T>
{
    public T? Result { get; set; }
}
