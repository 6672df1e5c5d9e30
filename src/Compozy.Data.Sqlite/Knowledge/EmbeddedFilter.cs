using System.Text.Json;

namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>
/// <see cref="Compozy.Data.Knowledge.VectorQuery.Filter"/> compiled once per search: every key
/// must be present in a chunk's metadata with an equal scalar value.
/// </summary>
internal sealed class EmbeddedFilter
{
    private readonly (string Key, EmbeddedScalar Value)[] _conditions;

    private EmbeddedFilter((string Key, EmbeddedScalar Value)[] conditions) => _conditions = conditions;

    /// <summary>
    /// The filter, or <see langword="null"/> when there is nothing to filter on.
    /// </summary>
    /// <exception cref="ArgumentException">A value is an object or an array; the message names its key.</exception>
    public static EmbeddedFilter? Compile(IReadOnlyDictionary<string, JsonElement>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return null;
        }

        var conditions = new (string, EmbeddedScalar)[filter.Count];
        var index = 0;
        foreach (var (key, element) in filter)
        {
            var value = EmbeddedScalar.From(element);
            if (!value.IsScalar)
            {
                throw new ArgumentException($"the filter value of \"{key}\" is a JSON {element.ValueKind.ToString().ToLowerInvariant()}; filters compare a string, number, boolean or null", nameof(filter));
            }

            conditions[index++] = (key, value);
        }

        return new EmbeddedFilter(conditions);
    }

    /// <summary>Whether a chunk with these metadata fields passes.</summary>
    public bool Matches(EmbeddedField[] fields)
    {
        foreach (var (key, value) in _conditions)
        {
            if (!EmbeddedMetadata.TryGet(fields, key, out var actual) || !actual.Equals(value))
            {
                return false;
            }
        }

        return true;
    }
}
