using System.Text.Json;
using Compozy.Data.Errors;
using Compozy.Data.Stores.Usage;

namespace Compozy.Api.Requests;

/// <summary>Reads a <c>usage</c> array of Compozy's usage entries from a request.</summary>
internal static class UsageRequest
{
    /// <summary>The token counts of an entry, each an integer from 0 to <see cref="long.MaxValue"/>.</summary>
    private static readonly string[] Counts =
        ["prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens", "cached_prompt_tokens", "input_audio_tokens", "output_audio_tokens"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// The entries, or <see langword="null"/> when absent or not valid; problems are recorded under
    /// <c>usage</c> and <c>usage[i].field</c>.
    /// </summary>
    public static IReadOnlyList<UsageEntry>? Read(JsonRequest request, bool required = false)
    {
        if (request.Array("usage", required) is not { } array)
        {
            return null;
        }

        // The counts first, by hand: the serializer would report a fraction, a negative or a
        // number past 64 bits as "not a usage entry" without saying what is allowed.
        var countsValid = true;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                foreach (var count in Counts)
                {
                    if (item.TryGetProperty(count, out var value) && value.ValueKind != JsonValueKind.Null)
                    {
                        countsValid &= JsonRequest.ReadLong(request.Problems, $"usage[{index}].{count}", value, min: 0) is not null;
                    }
                }
            }

            index++;
        }

        if (!countsValid)
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

        var problems = UsageSummary.Validate(entries);
        foreach (var problem in problems)
        {
            var separator = problem.IndexOf(": ", StringComparison.Ordinal);
            request.Problems.Add(problem[..separator], problem[(separator + 2)..]);
        }

        return problems.Count == 0 ? entries : null;
    }

    /// <summary>The stored form of the entries (merged and sorted), or <see langword="null"/>.</summary>
    public static JsonElement? ToStored(IReadOnlyList<UsageEntry>? entries) =>
        entries is null ? null : new UsageSummary(entries).ToJson();
}
