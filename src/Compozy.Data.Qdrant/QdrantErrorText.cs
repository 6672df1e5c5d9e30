using System.Text;
using System.Text.Json;

namespace Compozy.Data.Qdrant;

/// <summary>What a failed answer says, made safe to put in a message or a log line.</summary>
internal static class QdrantErrorText
{
    private const int MaxLength = 300;

    /// <summary>
    /// Qdrant's <c>status.error</c> (its <c>ErrorResponse</c>), else the start of a body that is
    /// not Qdrant's JSON (a proxy's page), else <see langword="null"/>. The API key is blanked out
    /// in case a server or proxy echoes request headers.
    /// </summary>
    public static string? Read(ReadOnlySpan<byte> body, string? apiKey)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        string? text = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status))
            {
                if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    text = error.GetString();
                }
                else if (status.ValueKind == JsonValueKind.String)
                {
                    text = status.GetString();
                }
            }
        }
        catch (JsonException)
        {
            text = Encoding.UTF8.GetString(body);
        }

        return text is null ? null : Shorten(Scrub(text, apiKey));
    }

    /// <summary>Replaces every occurrence of the API key with <c>***</c>.</summary>
    public static string Scrub(string text, string? apiKey) =>
        string.IsNullOrEmpty(apiKey) ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    private static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= MaxLength ? flat : string.Concat(flat.AsSpan(0, MaxLength), "...");
    }
}
