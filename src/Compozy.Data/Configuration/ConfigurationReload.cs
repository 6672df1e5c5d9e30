namespace Compozy.Data.Configuration;

/// <summary>
/// Whether a running <c>compozy start</c> takes a new value of a key from an edited configuration
/// file, or needs a restart for it.
/// </summary>
public enum ConfigurationReload
{
    /// <summary>
    /// The host refuses an edited file that changes the key's value and keeps running on the value
    /// it started with: the key shapes something built once at start (the driver, the database
    /// file, a connection pool, the listening socket).
    /// </summary>
    Restart,

    /// <summary>The host applies a new value while it runs: its consumers read it again on their next cycle.</summary>
    Live,

    /// <summary>
    /// Live from one value to another, but setting it where it was unset, or unsetting it, needs a
    /// restart: the key's presence decides whether a schedule runs at all (scheduled backups,
    /// pruning, integrity checks), and the host starts a schedule only when it starts.
    /// </summary>
    LiveOnceSet,
}
