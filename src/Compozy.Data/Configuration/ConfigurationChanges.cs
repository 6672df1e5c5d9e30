using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Compozy.Data.Configuration;

/// <summary>
/// Compares the configuration a host runs on with an edited one, key by key, as each key's type
/// reads it: <c>60s</c> and <c>1m</c> are the same interval, not a change.
/// </summary>
public static class ConfigurationChanges
{
    /// <summary>
    /// The settings of <paramref name="keys"/> whose value differs between <paramref name="before"/>
    /// and <paramref name="after"/>, in catalog order, and then every value under
    /// <paramref name="restartSections"/> (settings outside the flat catalog, such as
    /// <c>knowledge.vector_dbs</c>) that differs, as a restart change whose values are never shown.
    /// A <see cref="ConfigurationReload.LiveOnceSet"/> key's change is <see cref="ConfigurationReload.Live"/>
    /// between two values and <see cref="ConfigurationReload.Restart"/> when it is set or unset.
    /// Both configurations must have passed validation.
    /// </summary>
    public static IReadOnlyList<ConfigurationChange> Compare(
        ConfigurationReader before, ConfigurationReader after, IEnumerable<ConfigurationKey> keys, IEnumerable<string> restartSections)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(restartSections);

        var changes = new List<ConfigurationChange>();
        foreach (var key in keys.DistinctBy(key => key.Path))
        {
            var from = before.ReadRawValue(key);
            var to = after.ReadRawValue(key);
            if (!SameValue(key, from, to))
            {
                var reload = key.Reload switch
                {
                    ConfigurationReload.LiveOnceSet => from is null || to is null ? ConfigurationReload.Restart : ConfigurationReload.Live,
                    _ => key.Reload,
                };
                changes.Add(key.IsSecret
                    ? new ConfigurationChange(key.Path, reload, IsSecret: true, null, null)
                    : new ConfigurationChange(key.Path, reload, IsSecret: false, from, to));
            }
        }

        foreach (var section in restartSections)
        {
            var old = Values(before, section);
            var edited = Values(after, section);
            foreach (var path in old.Keys.Union(edited.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
            {
                old.TryGetValue(path, out var from);
                edited.TryGetValue(path, out var to);
                if (!string.Equals(from, to, StringComparison.Ordinal))
                {
                    // Nothing says which fields of a list element are secret (a vector database's
                    // api key is), so no value from here is shown.
                    changes.Add(new ConfigurationChange(ConfigurationReader.ToDisplayPath(path), ConfigurationReload.Restart, IsSecret: true, null, null));
                }
            }
        }

        return changes;
    }

    private static bool SameValue(ConfigurationKey key, string? from, string? to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return true;
        }

        if (from is null || to is null || !key.Type.TryParse(from, out var left, out _) || !key.Type.TryParse(to, out var right, out _))
        {
            return false;
        }

        return left is IEnumerable leftItems and not string && right is IEnumerable rightItems and not string
            ? leftItems.Cast<object?>().SequenceEqual(rightItems.Cast<object?>())
            : Equals(left, right);
    }

    private static Dictionary<string, string> Values(ConfigurationReader reader, string section) =>
        reader.Configuration.GetSection(section).AsEnumerable()
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.OrdinalIgnoreCase);
}
