using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// The names enums are stored under: each member's <see cref="JsonStringEnumMemberNameAttribute"/>,
/// so the database and the JSON API spell values the same way (Compozy's <c>TIMED_OUT</c>,
/// <c>basic</c>, <c>admin</c>).
/// </summary>
public static class StoredNames
{
    /// <summary>Every stored name of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>()
        where TEnum : struct, Enum => Cache<TEnum>.AllNames;

    /// <summary>The stored name of <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => Cache<TEnum>.NamesByValue[value];

    /// <summary>Parses a stored name (exact, case-sensitive); <see langword="false"/> when it names no member.</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value)
        where TEnum : struct, Enum => Cache<TEnum>.ValuesByName.TryGetValue(name, out value);

    /// <summary>The member stored under <paramref name="name"/> (exact, case-sensitive).</summary>
    /// <remarks>
    /// A stored value that names no member fails loudly instead of turning into a default. The
    /// compiled models (<c>scripts/compiled-models.sh</c>) copy <see cref="StoredNameConverter{TEnum}"/>'s
    /// lambdas into the provider assemblies, which is why the lambdas call this public method.
    /// </remarks>
    /// <exception cref="InvalidOperationException"><paramref name="name"/> names no member.</exception>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value)
            ? value
            : throw new InvalidOperationException(
                $"The database holds '{name}', which is not a known {typeof(TEnum).Name}; allowed: {string.Join(", ", All<TEnum>())}.");

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        internal static readonly FrozenDictionary<TEnum, string> NamesByValue = typeof(TEnum)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(
                field => (TEnum)field.GetValue(null)!,
                field => field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                    ?? throw new InvalidOperationException(
                        $"{typeof(TEnum).Name}.{field.Name} has no [JsonStringEnumMemberName]; every stored enum member needs one."));

        internal static readonly FrozenDictionary<string, TEnum> ValuesByName =
            NamesByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

        internal static readonly string[] AllNames =
            Enum.GetValues<TEnum>().Select(value => NamesByValue[value]).ToArray();
    }
}
