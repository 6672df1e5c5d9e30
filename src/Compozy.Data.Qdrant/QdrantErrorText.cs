namespace Compozy.Data.Qdrant;

/// <summary>What a failed call's status says, made safe to put in a message or a log line.</summary>
internal static class QdrantErrorText
{
    private const int MaxLength = 300;

    /// <summary>
    /// The status detail (Qdrant's error, or what Grpc.Net.Client saw), on one line and at most
    /// 300 characters, or <see langword="null"/> when there is none. The API key is blanked out in
    /// case a server or proxy echoes request metadata.
    /// </summary>
    public static string? Read(string? detail, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(detail))
        {
            return null;
        }

        var flat = string.Join(' ', Scrub(detail, apiKey).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= MaxLength ? flat : string.Concat(flat.AsSpan(0, MaxLength), "...");
    }

    /// <summary>Replaces every occurrence of the API key with <c>***</c>.</summary>
    public static string Scrub(string text, string? apiKey) =>
        string.IsNullOrEmpty(apiKey) ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);
}
