using System.Text.Json;
using System.Text.Json.Serialization;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// Writes a report as JSON at the requested path and as Markdown beside it (same name, <c>.md</c>).
/// Each goes to a <c>.tmp</c> file first and is renamed over the old one, so an interrupted run
/// never leaves half a result where a complete one was.
/// </summary>
internal static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<(string Json, string Markdown)> WriteAsync<T>(string jsonPath, T report, string markdown, CancellationToken cancellationToken)
    {
        var json = Path.GetFullPath(jsonPath);
        var md = Path.ChangeExtension(json, ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        await ReplaceAsync(json, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken).ConfigureAwait(false);
        await ReplaceAsync(md, markdown, cancellationToken).ConfigureAwait(false);
        return (json, md);
    }

    /// <summary>Writes another file of a report (a chart) the same way: whole or not at all.</summary>
    public static async Task ReplaceAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
