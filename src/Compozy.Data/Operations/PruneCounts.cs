namespace Compozy.Data.Operations;

/// <summary>Rows a prune deleted, or would delete.</summary>
internal readonly record struct PruneCounts(int Workflows, int Tasks, int UsageRows)
{
    public PruneCounts Add(PruneCounts other) => new(Workflows + other.Workflows, Tasks + other.Tasks, UsageRows + other.UsageRows);
}
