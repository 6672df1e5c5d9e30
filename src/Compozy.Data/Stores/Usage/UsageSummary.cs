using System.Text.Json;

namespace Compozy.Data.Stores.Usage;

/// <summary>
/// The usage of one execution: entries keyed by provider, model and source. Merging adds the
/// token counts of entries with the same key and appends the others; the result is sorted so
/// that the stored JSON does not depend on the order merges arrived in. Counts are 64-bit and
/// added with overflow checks: a sum past <see cref="long.MaxValue"/> raises
/// <see cref="UsageCountOverflowException"/>, never a wrapped count.
/// </summary>
public sealed class UsageSummary
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private List<UsageEntry> _entries;

    /// <summary>A summary of <paramref name="entries"/>, merged as <see cref="MergeAll"/> does.</summary>
    /// <exception cref="UsageCountOverflowException">Counts of one provider and model add up past <see cref="long.MaxValue"/>.</exception>
    public UsageSummary(IEnumerable<UsageEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [];
        foreach (var entry in entries)
        {
            Merge(_entries, entry);
        }
    }

    /// <summary>The entries, sorted by provider, model and source.</summary>
    public IReadOnlyList<UsageEntry> Entries => _entries;

    /// <summary>Reads the stored form: a JSON array of entries, or Compozy's older <c>{"entries": [...]}</c>.</summary>
    /// <exception cref="JsonException">The JSON is neither.</exception>
    public static UsageSummary FromJson(JsonElement? stored)
    {
        if (stored is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return new UsageSummary([]);
        }

        var array = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("entries", out var wrapped) ? wrapped : element;
        return new UsageSummary(array.Deserialize<List<UsageEntry>>(Json) ?? []);
    }

    /// <summary>
    /// Checks what the database cannot: names present, no negative count, and counts that still
    /// fit 64 bits once the entries of the same provider, model and source are added up.
    /// </summary>
    /// <returns>One message per problem, naming the entry by its index.</returns>
    public static IReadOnlyList<string> Validate(IReadOnlyList<UsageEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<string>();
        var merged = new List<UsageEntry>();
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index];
            var before = problems.Count;
            if (string.IsNullOrWhiteSpace(entry.Provider))
            {
                problems.Add($"usage[{index}].provider: is required");
            }

            if (string.IsNullOrWhiteSpace(entry.Model))
            {
                problems.Add($"usage[{index}].model: is required");
            }

            foreach (var (name, value) in Counts(entry))
            {
                if (value < 0)
                {
                    problems.Add($"usage[{index}].{name}: must not be negative");
                }
            }

            if (problems.Count > before)
            {
                continue;
            }

            try
            {
                Merge(merged, entry);
            }
            catch (UsageCountOverflowException overflow)
            {
                var problem = overflow.ImpliedTotal ? overflow.Problem : $"with the entries of {overflow.Provider}/{overflow.Model} before it, {overflow.Problem}";
                problems.Add($"usage[{index}].{overflow.Field}: {problem}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Adds every entry of <paramref name="other"/>: counts of the same provider, model and source
    /// add up; others are inserted in order. All or nothing: when a count would pass
    /// <see cref="long.MaxValue"/>, this summary is left unchanged.
    /// </summary>
    /// <exception cref="UsageCountOverflowException">A sum would pass <see cref="long.MaxValue"/>.</exception>
    public void MergeAll(UsageSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = new List<UsageEntry>(_entries);
        foreach (var entry in other.Entries)
        {
            Merge(merged, entry);
        }

        _entries = merged;
    }

    /// <summary>The stored form: a JSON array of the entries.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(_entries, Json);

    private static IEnumerable<(string Name, long Value)> Counts(UsageEntry entry)
    {
        yield return ("prompt_tokens", entry.PromptTokens);
        yield return ("completion_tokens", entry.CompletionTokens);
        yield return ("total_tokens", entry.TotalTokens);
        yield return ("reasoning_tokens", entry.ReasoningTokens ?? 0);
        yield return ("cached_prompt_tokens", entry.CachedPromptTokens ?? 0);
        yield return ("input_audio_tokens", entry.InputAudioTokens ?? 0);
        yield return ("output_audio_tokens", entry.OutputAudioTokens ?? 0);
    }

    private static void Merge(List<UsageEntry> entries, UsageEntry incoming)
    {
        var delta = Normalize(incoming);
        var index = entries.FindIndex(entry =>
            entry.Provider == delta.Provider && entry.Model == delta.Model && SameSource(entry.Source, delta.Source));
        if (index < 0)
        {
            var at = entries.FindIndex(entry => Compare(entry, delta) > 0);
            entries.Insert(at < 0 ? entries.Count : at, delta);
            return;
        }

        var current = entries[index];
        entries[index] = current with
        {
            PromptTokens = Add(current, "prompt_tokens", current.PromptTokens, delta.PromptTokens),
            CompletionTokens = Add(current, "completion_tokens", current.CompletionTokens, delta.CompletionTokens),
            TotalTokens = Add(current, "total_tokens", current.TotalTokens, delta.TotalTokens),
            ReasoningTokens = Add(current, "reasoning_tokens", current.ReasoningTokens, delta.ReasoningTokens),
            CachedPromptTokens = Add(current, "cached_prompt_tokens", current.CachedPromptTokens, delta.CachedPromptTokens),
            InputAudioTokens = Add(current, "input_audio_tokens", current.InputAudioTokens, delta.InputAudioTokens),
            OutputAudioTokens = Add(current, "output_audio_tokens", current.OutputAudioTokens, delta.OutputAudioTokens),
            AgentIds = MergeAgentIds(current.AgentIds, delta.AgentIds),
            CapturedAt = Earliest(current.CapturedAt, delta.CapturedAt),
            UpdatedAt = Latest(current.UpdatedAt, delta.UpdatedAt),
            Source = current.Source ?? delta.Source,
        };
    }

    private static UsageEntry Normalize(UsageEntry entry)
    {
        var provider = entry.Provider.Trim();
        var model = entry.Model.Trim();
        var total = entry.TotalTokens;
        if (total == 0)
        {
            try
            {
                total = checked(entry.PromptTokens + entry.CompletionTokens);
            }
            catch (OverflowException)
            {
                throw new UsageCountOverflowException("total_tokens", provider, model, entry.PromptTokens, entry.CompletionTokens, impliedTotal: true);
            }
        }

        return entry with
        {
            Provider = provider,
            Model = model,
            Source = string.IsNullOrWhiteSpace(entry.Source) ? null : entry.Source.Trim(),
            TotalTokens = total,
            AgentIds = MergeAgentIds(null, entry.AgentIds),
        };
    }

    private static int Compare(UsageEntry left, UsageEntry right)
    {
        var byProvider = string.CompareOrdinal(left.Provider, right.Provider);
        if (byProvider != 0)
        {
            return byProvider;
        }

        var byModel = string.CompareOrdinal(left.Model, right.Model);
        return byModel != 0 ? byModel : string.CompareOrdinal(left.Source ?? string.Empty, right.Source ?? string.Empty);
    }

    private static bool SameSource(string? left, string? right) =>
        string.Equals(left ?? string.Empty, right ?? string.Empty, StringComparison.OrdinalIgnoreCase);

    private static long? Add(UsageEntry entry, string field, long? left, long? right) =>
        left is null && right is null ? null : Add(entry, field, left ?? 0, right ?? 0);

    private static long Add(UsageEntry entry, string field, long left, long right)
    {
        try
        {
            return checked(left + right);
        }
        catch (OverflowException)
        {
            throw new UsageCountOverflowException(field, entry.Provider, entry.Model, left, right, impliedTotal: false);
        }
    }

    private static List<string>? MergeAgentIds(IReadOnlyList<string>? current, IReadOnlyList<string>? incoming)
    {
        var all = (current ?? []).Concat(incoming ?? []).Select(id => id.Trim()).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return all.Count == 0 ? null : all;
    }

    private static DateTime? Earliest(DateTime? left, DateTime? right) =>
        left is null ? right : right is null ? left : (right < left ? right : left);

    private static DateTime? Latest(DateTime? left, DateTime? right) =>
        left is null ? right : right is null ? left : (right > left ? right : left);
}
