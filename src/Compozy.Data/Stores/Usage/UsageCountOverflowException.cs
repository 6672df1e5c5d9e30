using System.Globalization;

namespace Compozy.Data.Stores.Usage;

/// <summary>
/// Adding token counts of one provider and model would pass <see cref="long.MaxValue"/>, the
/// largest count the layer stores. <see cref="UsageSummary"/> raises it instead of wrapping to a
/// negative count, and leaves the summary as it was before the merge that failed.
/// </summary>
public sealed class UsageCountOverflowException : OverflowException
{
    /// <summary>Creates the exception for <paramref name="field"/> of one provider and model.</summary>
    /// <param name="field">The count, as spelt in JSON (<c>prompt_tokens</c>).</param>
    /// <param name="provider">The entry's provider.</param>
    /// <param name="model">The entry's model.</param>
    /// <param name="current">The count held so far (for an implied total, the prompt tokens).</param>
    /// <param name="added">The count to add to it (for an implied total, the completion tokens).</param>
    /// <param name="impliedTotal">
    /// Whether the sum is the total that an entry without <c>total_tokens</c> stands for (its
    /// prompt plus completion tokens) rather than the merge of two entries.
    /// </param>
    public UsageCountOverflowException(string field, string provider, string model, long current, long added, bool impliedTotal)
        : base($"{field} of {provider}/{model}: {ProblemOf(current, added, impliedTotal)}")
    {
        Field = field;
        Provider = provider;
        Model = model;
        Current = current;
        Added = added;
        ImpliedTotal = impliedTotal;
    }

    /// <summary>Creates the exception.</summary>
    public UsageCountOverflowException()
        : this("total_tokens", string.Empty, string.Empty, long.MaxValue, 1, impliedTotal: false)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UsageCountOverflowException(string message)
        : base(message) => Field = Provider = Model = string.Empty;

    /// <summary>Creates the exception.</summary>
    public UsageCountOverflowException(string message, Exception innerException)
        : base(message, innerException) => Field = Provider = Model = string.Empty;

    /// <summary>The count that would pass the limit, as spelt in JSON (<c>prompt_tokens</c>).</summary>
    public string Field { get; }

    /// <summary>The provider of the entry.</summary>
    public string Provider { get; }

    /// <summary>The model of the entry.</summary>
    public string Model { get; }

    /// <summary>The count held so far (for an implied total, the prompt tokens).</summary>
    public long Current { get; }

    /// <summary>The count to add to it (for an implied total, the completion tokens).</summary>
    public long Added { get; }

    /// <summary>Whether the sum is an entry's implied total (prompt plus completion tokens) rather than a merge.</summary>
    public bool ImpliedTotal { get; }

    /// <summary>What is wrong, without naming the field or the entry.</summary>
    public string Problem => ProblemOf(Current, Added, ImpliedTotal);

    private static string ProblemOf(long current, long added, bool impliedTotal) => impliedTotal
        ? string.Create(CultureInfo.InvariantCulture, $"absent or 0, it stands for prompt_tokens + completion_tokens = {current} + {added}, which is more than {long.MaxValue}, the largest token count; send total_tokens")
        : string.Create(CultureInfo.InvariantCulture, $"{current} + {added} is more than {long.MaxValue}, the largest token count");
}
