namespace Compozy.Data.Audit;

/// <summary>What a succeeded action tells its audit entry: the target it made or changed, and facts about it.</summary>
/// <param name="Target">The target, when the action made it (a new user's id); <see langword="null"/> keeps the one given up front.</param>
/// <param name="Details">Further facts; never a secret.</param>
public sealed record AuditDescription(string? Target, IReadOnlyDictionary<string, string>? Details = null);
