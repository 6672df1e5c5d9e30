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
        where TEnum : struct, Enum => Cache<TEnum>.Of(value);

    /// <summary>Parses a stored name (exact, case-sensitive); <see langword="false"/> when it names no member.</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value)
        where TEnum : struct, Enum => Cache<TEnum>.TryParse(name, out value);

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

    // Arrays searched in order, not FrozenDictionary: an enum has a handful of members, and a
    // frozen dictionary over an enum key is generic code that no ReadyToRun image holds, so its
    // first use JIT-compiled tens of milliseconds into every CLI command (the configuration keys
    // list the stored status names).
    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        internal static readonly TEnum[] Values = Enum.GetValues<TEnum>();

        internal static readonly string[] AllNames = Array.ConvertAll(Values, NameOf);

        internal static string Of(TEnum value)
        {
            for (var i = 0; i < Values.Length; i++)
            {
                if (EqualityComparer<TEnum>.Default.Equals(Values[i], value))
                {
                    return AllNames[i];
                }
            }

            throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a declared {typeof(TEnum).Name}; allowed: {string.Join(", ", AllNames)}.");
        }

        internal static bool TryParse(string name, out TEnum value)
        {
            var index = Array.IndexOf(AllNames, name);
            value = index < 0 ? default : Values[index];
            return index >= 0;
        }

        private static string NameOf(TEnum value)
        {
            var member = value.ToString();
            return typeof(TEnum).GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException(
                    $"{typeof(TEnum).Name}.{member} has no [JsonStringEnumMemberName]; every stored enum member needs one.");
        }
    }
}
