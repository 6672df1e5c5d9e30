using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Compozy.Data.Qdrant;

/// <summary>One REST call, ready to be sent as often as retries need (the body is kept as bytes).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">Relative to the server's base address, without a leading <c>/</c>, query included.</param>
/// <param name="Body">The JSON body, or <see langword="null"/>.</param>
/// <param name="Action">What the call does, for messages: <c>creating collection "docs"</c>.</param>
internal sealed record QdrantRequest(HttpMethod Method, string Path, byte[]? Body, string Action)
{
    public static QdrantRequest Get(string path, string action) => new(HttpMethod.Get, path, null, action);

    public static QdrantRequest Json<TBody>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, string action) =>
        new(method, path, JsonSerializer.SerializeToUtf8Bytes(body, bodyType), action);
}
