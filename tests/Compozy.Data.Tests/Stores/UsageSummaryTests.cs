using System.Text.Json;
using Compozy.Data.Stores.Usage;

namespace Compozy.Data.Tests.Stores;

public sealed class UsageSummaryTests
{
    [Fact]
    public void Entries_of_the_same_provider_model_and_source_add_up_and_others_stay_apart()
    {
        var summary = new UsageSummary(
        [
            new UsageEntry { Provider = "openai", Model = "gpt-4o", PromptTokens = 3, CompletionTokens = 2, AgentIds = ["b", "a"] },
            new UsageEntry { Provider = "openai", Model = "gpt-4o", PromptTokens = 1, ReasoningTokens = 4, AgentIds = ["a", " c "], Source = "task" },
            new UsageEntry { Provider = " openai ", Model = "gpt-4o", PromptTokens = 10, CapturedAt = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc) },
            new UsageEntry { Provider = "anthropic", Model = "claude", TotalTokens = 9 },
        ]);

        summary.Entries.Select(entry => (entry.Provider, entry.Model, entry.Source)).ShouldBe(
            [("anthropic", "claude", null), ("openai", "gpt-4o", null), ("openai", "gpt-4o", "task")]);
        var merged = summary.Entries[1];
        merged.PromptTokens.ShouldBe(13);
        merged.TotalTokens.ShouldBe(15, "a zero total counts as prompt plus completion");
        merged.AgentIds.ShouldBe(["a", "b"]);
        merged.CapturedAt.ShouldBe(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        summary.Entries[2].AgentIds.ShouldBe(["a", "c"]);
        summary.Entries[2].ReasoningTokens.ShouldBe(4);
        summary.Entries[0].ReasoningTokens.ShouldBeNull();
    }

    [Fact]
    public void The_stored_array_and_the_older_wrapped_object_both_read_back()
    {
        var array = JsonDocument.Parse("""[{"provider":"p","model":"m","prompt_tokens":2,"completion_tokens":1,"total_tokens":3}]""").RootElement;
        var wrapped = JsonDocument.Parse("""{"entries":[{"provider":"p","model":"m","prompt_tokens":2}]}""").RootElement;

        UsageSummary.FromJson(array).Entries.Single().TotalTokens.ShouldBe(3);
        UsageSummary.FromJson(wrapped).Entries.Single().TotalTokens.ShouldBe(2);
        UsageSummary.FromJson(null).Entries.ShouldBeEmpty();

        var json = new UsageSummary([new UsageEntry { Provider = "p", Model = "m", PromptTokens = 1 }]).ToJson();
        json.ValueKind.ShouldBe(JsonValueKind.Array);
        json[0].TryGetProperty("reasoning_tokens", out _).ShouldBeFalse("absent optional counts are not written as null");
        Should.Throw<JsonException>(() => UsageSummary.FromJson(JsonDocument.Parse("\"text\"").RootElement));
    }

    [Fact]
    public void Validation_names_each_bad_entry_and_field()
    {
        var problems = UsageSummary.Validate(
        [
            new UsageEntry { Provider = "p", Model = "m" },
            new UsageEntry { Provider = " ", Model = "m", PromptTokens = -1, CachedPromptTokens = -2 },
        ]);

        problems.ShouldBe(["usage[1].provider: is required", "usage[1].prompt_tokens: must not be negative", "usage[1].cached_prompt_tokens: must not be negative"]);
    }

    [Fact]
    public void Counts_add_past_the_old_32_bit_limit_and_a_sum_past_64_bits_leaves_the_summary_unchanged()
    {
        var summary = new UsageSummary([new UsageEntry { Provider = "p", Model = "m", PromptTokens = int.MaxValue }]);
        summary.MergeAll(new UsageSummary([new UsageEntry { Provider = "p", Model = "m", PromptTokens = 1 }]));
        summary.Entries.Single().PromptTokens.ShouldBe(2_147_483_648L);
        summary.Entries.Single().TotalTokens.ShouldBe(2_147_483_648L);

        var before = summary.ToJson().GetRawText();
        var overflow = Should.Throw<UsageCountOverflowException>(() => summary.MergeAll(new UsageSummary(
        [
            new UsageEntry { Provider = "a", Model = "first", PromptTokens = 1 },
            new UsageEntry { Provider = "p", Model = "m", ReasoningTokens = 1, PromptTokens = long.MaxValue },
        ])));

        overflow.Field.ShouldBe("prompt_tokens");
        (overflow.Provider, overflow.Model, overflow.Current, overflow.Added).ShouldBe(("p", "m", 2_147_483_648L, long.MaxValue));
        summary.ToJson().GetRawText().ShouldBe(before, "a merge that fails adds nothing, not even the entries before the failing one");
    }

    [Fact]
    public void Validation_names_a_count_that_passes_64_bits_within_the_request()
    {
        var problems = UsageSummary.Validate(
        [
            new UsageEntry { Provider = "p", Model = "m", CompletionTokens = long.MaxValue, TotalTokens = 1 },
            new UsageEntry { Provider = "p", Model = "m", CompletionTokens = 1, TotalTokens = 1 },
            new UsageEntry { Provider = "q", Model = "m", PromptTokens = long.MaxValue, CompletionTokens = 1 },
            new UsageEntry { Provider = "r", Model = "m", PromptTokens = long.MaxValue, CompletionTokens = 1, TotalTokens = long.MaxValue },
        ]);

        problems.ShouldBe(
        [
            "usage[1].completion_tokens: with the entries of p/m before it, 9223372036854775807 + 1 is more than 9223372036854775807, the largest token count",
            "usage[2].total_tokens: absent or 0, it stands for prompt_tokens + completion_tokens = 9223372036854775807 + 1, which is more than 9223372036854775807, the largest token count; send total_tokens",
        ]);
    }
}
