using Compozy.Data.Configuration;

namespace Compozy.Data.Providers;

/// <summary>
/// The seam between the provider-neutral core and one database. A provider owns its settings,
/// their validation, its connections, its model dialect, its migrations assembly, its writer and
/// its startup checks. Adding a database means adding a sibling implementation, not editing
/// branches elsewhere.
/// </summary>
public interface IDatabaseProvider
{
    /// <summary>The value of <c>database.driver</c> that selects this provider, lower case.</summary>
    string Driver { get; }

    /// <summary>The keys this provider reads, for the environment mapping, flags, docs and unknown-key checks.</summary>
    IReadOnlyList<ConfigurationKey> ConfigurationKeys { get; }

    /// <summary>
    /// Reads and validates this provider's settings. Problems go to <paramref name="reader"/>;
    /// nothing on disk or on the network is touched.
    /// </summary>
    IConfiguredDatabaseProvider Configure(ConfigurationReader reader, CompozyDataOptions options);
}
