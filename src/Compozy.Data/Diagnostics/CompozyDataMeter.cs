using System.Diagnostics.Metrics;

namespace Compozy.Data.Diagnostics;

/// <summary>
/// The <c>Compozy.Data</c> meter (System.Diagnostics.Metrics). Providers create their
/// instruments on it; any listener or exporter that subscribes to the meter name sees them.
/// </summary>
public sealed class CompozyDataMeter
{
    /// <summary>The meter name.</summary>
    public const string Name = "Compozy.Data";

    /// <summary>Creates the meter through the host's meter factory, which owns its lifetime.</summary>
    public CompozyDataMeter(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(Name);
    }

    /// <summary>The meter.</summary>
    public Meter Meter { get; }
}
