using System.Text.Json;

namespace Compozy.Data.Tests.Knowledge;

/// <summary>A request the client sent to <see cref="QdrantContractServer"/>, with the spec operation it matched.</summary>
public sealed record QdrantRecordedRequest(
    HttpMethod Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    QdrantOperation? Operation)
{
    public string OperationId => Operation?.OperationId ?? "(no operation)";

    public JsonElement Json => JsonDocument.Parse(Body ?? throw new InvalidOperationException($"{Method} {Path} had no body")).RootElement;

    public override string ToString() => $"{Method} {Path}{(Query.Count > 0 ? "?" + string.Join('&', Query.Select(pair => $"{pair.Key}={pair.Value}")) : string.Empty)} -> {OperationId}";
}
