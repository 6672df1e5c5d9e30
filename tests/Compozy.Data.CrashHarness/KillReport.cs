namespace Compozy.Data.CrashHarness;

/// <summary>What a kill loop did and found.</summary>
public sealed record KillReport
{
    /// <summary>Children killed.</summary>
    public int Kills { get; set; }

    /// <summary>Kills by where they landed: startup, writing, checkpoint, maintenance.</summary>
    public Dictionary<string, int> KillsByPhase { get; } = new(StringComparer.Ordinal);

    /// <summary>Transactions acknowledged by children before they died.</summary>
    public long Acknowledged { get; set; }

    /// <summary>
    /// Rounds that killed a child, outside startup, before it had acknowledged anything: each such
    /// round tested nothing, so a sound loop has none.
    /// </summary>
    public int RoundsWithNothingAtRisk { get; set; }

    /// <summary>Acknowledged transactions found present and whole after the kills (cumulative checks).</summary>
    public long VerifiedAfterKills { get; set; }

    /// <summary>Every violation found; empty when every acknowledged write survived whole.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Wall-clock time of the loop.</summary>
    public TimeSpan Elapsed { get; set; }
}
