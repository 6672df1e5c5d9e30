using System.Globalization;
using System.Text.Json;
using Compozy.Data.Errors;

namespace Compozy.Data.Stores.Usage;

/// <summary>Adds reported usage to the <c>usage</c> JSON array a workflow or task state holds.</summary>
internal static class StoredUsage
{
    /// <summary>The stored usage with <paramref name="reported"/> added.</summary>
    /// <param name="stored">The state's <c>usage</c> as stored.</param>
    /// <param name="reported">The usage to add.</param>
    /// <param name="what">The kind of state, for the message (<c>task state</c>).</param>
    /// <param name="id">The state's id, for the message.</param>
    /// <exception cref="CompozyDataException">
    /// <see cref="DbErrorKind.Conflict"/> when a count would pass <see cref="long.MaxValue"/>: the
    /// report is valid on its own but does not fit with what is stored.
    /// </exception>
    public static JsonElement Add(JsonElement? stored, UsageSummary reported, string what, string id)
    {
        var merged = UsageSummary.FromJson(stored);
        try
        {
            merged.MergeAll(reported);
        }
        catch (UsageCountOverflowException overflow)
        {
            throw new CompozyDataException(
                DbErrorKind.Conflict,
                string.Create(CultureInfo.InvariantCulture, $"the usage of {what} '{id}' cannot take this report: {overflow.Field} of {overflow.Provider}/{overflow.Model} would be {overflow.Current} (stored) + {overflow.Added} (reported), which is more than {long.MaxValue}, the largest token count; nothing was written"),
                overflow);
        }

        return merged.ToJson();
    }
}
