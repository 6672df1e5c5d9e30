using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Requests;

/// <summary>Reads a <c>usage</c> array of Compozy's usage entries from a request.</summary>
internal static class UsageRequest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <summary>The entries, or <see langword="null"/> when absent; problems are recorded under <c>usage</c>.</summary>
    public static IReadOnlyList<UsageEntry>? Read(JsonRequest request, bool required = false)
    {
        if (request.Array("usage", required) is not { } array)
        {
            return null;
        }

        List<UsageEntry>? entries;
        try
        {
            entries = array.Deserialize<List<UsageEntry>>(Json);
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { Length: > 1 } path ? $"usage{path[1..]}" : "usage";
            request.Problems.Add(where, "is not a usage entry (provider, model, prompt_tokens, completion_tokens, total_tokens, reasoning_tokens, cached_prompt_tokens, input_audio_tokens, output_audio_tokens, agent_ids, captured_at, updated_at, source)");
            return null;
        }

        if (entries is null || entries.Any(entry => entry is null))
        {
            request.Problems.Add("usage", "entries must be objects");
            return null;
        }

        foreach (var problem in UsageSummary.Validate(entries))
        {
            var separator = problem.IndexOf(": ", StringComparison.Ordinal);
            request.Problems.Add(problem[..separator], problem[(separator + 2)..]);
        }

        return entries;
    }

    /// <summary>The stored form of the entries (merged and sorted), or <see langword="null"/>.</summary>
    public static JsonElement? ToStored(IReadOnlyList<UsageEntry>? entries) =>
        entries is null ? null : new UsageSummary(entries).ToJson();
}
