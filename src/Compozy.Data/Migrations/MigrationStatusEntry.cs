namespace Compozy.Data.Migrations;

/// <summary>One migration as <c>migrate status</c> reports it.</summary>
/// <param name="Id">Full id, <c>&lt;timestamp&gt;_&lt;Name&gt;</c>.</param>
/// <param name="IsApplied">Whether the database has it.</param>
/// <param name="AppliedAt">When it was applied (UTC), when known.</param>
/// <param name="IsKnown">Whether this build contains it; <see langword="false"/> for a migration applied by a newer build.</param>
public sealed record MigrationStatusEntry(string Id, bool IsApplied, DateTime? AppliedAt, bool IsKnown = true)
{
    /// <summary>The name part of <see cref="Id"/>.</summary>
    public string Name => Id.IndexOf('_', StringComparison.Ordinal) is var separator and >= 0 ? Id[(separator + 1)..] : Id;
}
