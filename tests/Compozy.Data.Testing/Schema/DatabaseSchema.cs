namespace Compozy.Data.Testing.Schema;

/// <summary>
/// A database schema as a sorted set of facts, one line each ("task_states.status: type=text
/// nullable=False ..."), so two schemas compare with a readable difference.
/// </summary>
/// <param name="Facts">Every fact, sorted.</param>
public sealed record DatabaseSchema(IReadOnlyList<string> Facts)
{
    /// <summary>The application tables (history and lock tables excluded).</summary>
    public IReadOnlyList<string> Tables => Facts
        .Where(fact => fact.StartsWith("table ", StringComparison.Ordinal))
        .Select(fact => fact["table ".Length..])
        .ToList();

    /// <summary>Facts in this schema and not in <paramref name="other"/>, and the reverse.</summary>
    public (IReadOnlyList<string> OnlyHere, IReadOnlyList<string> OnlyThere) Compare(DatabaseSchema other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Facts.Except(other.Facts, StringComparer.Ordinal).ToList(), other.Facts.Except(Facts, StringComparer.Ordinal).ToList());
    }

    /// <summary>Builds a schema from unsorted facts.</summary>
    public static DatabaseSchema From(IEnumerable<string> facts) =>
        new(facts.Select(fact => string.Join(' ', fact.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).Order(StringComparer.Ordinal).ToList());
}
