namespace Compozy.Data.Configuration;

/// <summary>
/// One setting whose value differs between the configuration a host runs on and an edited one.
/// </summary>
/// <param name="Key">Dotted key path, for example <c>database.sqlite.wal_checkpoint_interval</c>.</param>
/// <param name="Reload">Whether the host may apply the new value while it runs: <see cref="ConfigurationReload.Live"/> or <see cref="ConfigurationReload.Restart"/>.</param>
/// <param name="IsSecret">Whether the values must never be shown; <see cref="From"/> and <see cref="To"/> are then <see langword="null"/>.</param>
/// <param name="From">The value the host runs on, as written (or the default), or <see langword="null"/> when unset or secret.</param>
/// <param name="To">The edited value, as written (or the default), or <see langword="null"/> when unset or secret.</param>
public sealed record ConfigurationChange(string Key, ConfigurationReload Reload, bool IsSecret, string? From, string? To)
{
    /// <summary><c>from 60s to 1s</c>, or <c>changed</c> for a secret, fit for a log line.</summary>
    public string Description => IsSecret ? "changed" : $"from {From ?? "(not set)"} to {To ?? "(not set)"}";
}
